/**
 * A data fingerprint for the result cache: sha256 over the bar count and every column's raw
 * bytes, in BAR_COLUMNS order. Any changed price, time or bar changes it; the same bars from
 * any source give the same fingerprint.
 */
import { createHash } from "node:crypto";
import { BAR_COLUMNS, type Bars } from "../engine/bars.js";

export function barsFingerprint(bars: Bars): string {
  const hash = createHash("sha256");
  hash.update(`qm-bars-v1:${bars.time.length}:`);
  for (const column of BAR_COLUMNS) {
    const values = bars[column];
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest("hex");
}
