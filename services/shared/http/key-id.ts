/**
 * A short, stable, non-reversible id of an API key, for access-log lines and rate-limit
 * counters: 8 hex digits of a labelled SHA-256. It tells keys apart in a log without the log
 * ever holding anything that authenticates.
 */
import { createHash } from "node:crypto";

export function apiKeyId(key: string): string {
  return createHash("sha256").update("quantmind api key id\0").update(key, "utf8").digest("hex").slice(0, 8);
}
