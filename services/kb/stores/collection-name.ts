/** Validation of collection names shared by both store backends (names become paths and URLs). */
import { ConfigError } from "../../shared/errors.js";

/**
 * What a collection name may be: 1-64 letters, digits, `-` or `_`. That excludes `.`, `/` and
 * `\`, so a name can never escape the store directory or change a Qdrant URL path. Exported so
 * configuration parsing checks KB_COLLECTION by the same rule.
 */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws ConfigError unless `name` matches COLLECTION_NAME_PATTERN. */
export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME_PATTERN.test(name)) {
    throw new ConfigError(
      `invalid collection name ${JSON.stringify(name)}: KB_COLLECTION must be 1-64 letters, digits, "-" or "_"`,
    );
  }
}
