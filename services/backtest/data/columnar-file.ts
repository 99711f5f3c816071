/**
 * Bars as columnar bytes, the cache's file format:
 *
 *   "QMBARS1\n" | u32 LE header length | header JSON | zero padding to 8 bytes | columns
 *
 * The header names the columns, the bar count and free metadata (source, symbol, range).
 * Each column is its raw Float64Array bytes (little-endian), in header order, so decoding
 * hands back views on the file's buffer: no parsing, no copy when the buffer is aligned.
 */
import { allocateBars, BAR_COLUMNS, type Bars } from "../engine/bars.js";
import { DataParseError } from "../errors.js";

const MAGIC = "QMBARS1\n";
const MAX_HEADER_BYTES = 64 * 1024;

export interface ColumnarHeader {
  version: 1;
  length: number;
  columns: string[];
  meta: Record<string, unknown>;
}

export function encodeBars(bars: Bars, meta: Record<string, unknown> = {}): Buffer {
  const header: ColumnarHeader = { version: 1, length: bars.time.length, columns: [...BAR_COLUMNS], meta };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const prefix = MAGIC.length + 4 + json.length;
  const padded = Math.ceil(prefix / 8) * 8;
  const out = Buffer.alloc(padded + BAR_COLUMNS.length * header.length * 8);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let offset = padded;
  for (const column of BAR_COLUMNS) {
    const values = bars[column];
    Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(out, offset);
    offset += values.byteLength;
  }
  return out;
}

/** Decodes `bytes` (from `source`, named in errors); throws DAT_PARSE when they are not a whole bars file. */
export function decodeBars(bytes: Uint8Array, source: string): { bars: Bars; header: ColumnarHeader } {
  const fail = (why: string) => new DataParseError(`${source}: not a columnar bars file (${why})`);
  if (bytes.length < MAGIC.length + 4 || Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).toString("latin1") !== MAGIC) {
    throw fail("bad magic");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (headerLength > MAX_HEADER_BYTES || MAGIC.length + 4 + headerLength > bytes.length) throw fail("bad header length");
  let header: ColumnarHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + MAGIC.length + 4, headerLength).toString("utf8")) as ColumnarHeader;
  } catch {
    throw fail("header is not JSON");
  }
  if (header.version !== 1 || !Number.isSafeInteger(header.length) || header.length < 0) throw fail("unknown version or length");
  if (JSON.stringify(header.columns) !== JSON.stringify(BAR_COLUMNS)) throw fail(`columns ${JSON.stringify(header.columns)}`);
  const start = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
  const columnBytes = header.length * 8;
  if (bytes.length !== start + BAR_COLUMNS.length * columnBytes) throw fail("truncated or padded");

  // Copied once into the shared layout every loaded dataset has (engine/bars.ts); the file's
  // bytes may also lack the 8-byte alignment Float64Array views need.
  const bars = allocateBars(header.length);
  new Uint8Array(bars.time.buffer).set(bytes.subarray(start));
  return { bars, header };
}
