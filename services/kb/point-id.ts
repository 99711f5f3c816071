/**
 * Point ids: a UUID (v5 layout, SHA-1 name-based) of the article's path relative to the root
 * and the chunk index. Stable across runs, so re-indexing overwrites in place, and unique per
 * path, so two folders holding files of the same name never collide.
 */
import { createHash } from "node:crypto";

/** Fixed namespace so ids stay stable across releases. */
const NAMESPACE = "quantmind:kb:chunk";

export function pointId(relativePath: string, chunkIndex: number): string {
  const digest = createHash("sha1").update(`${NAMESPACE}\0${relativePath}\0${chunkIndex}`).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = digest.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
