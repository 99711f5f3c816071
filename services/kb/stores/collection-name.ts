/** Validation of collection names shared by both store backends (names become paths and URLs). */
import { ConfigError } from "../../shared/errors.js";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Throws ConfigError unless `name` is 1-64 letters, digits, `-` or `_`. That excludes `.`, `/`
 * and `\`, so a name can never escape the store directory or change a Qdrant URL path.
 */
export function assertCollectionName(name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `invalid collection name ${JSON.stringify(name)}: KB_COLLECTION must be 1-64 letters, digits, "-" or "_"`,
    );
  }
}
