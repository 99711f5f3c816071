/**
 * The static embedder's table file (built by scripts/build-static-embedder.ts, shipped under
 * data/embedders/). Layout, little-endian:
 *
 *   8 bytes   magic "QMSTATIC"
 *   u32       byte length of the JSON header
 *   JSON      StaticTableHeader (utf-8)
 *   f32[V]    per-token scale
 *   i8[V*D]   per-token vector, quantised: value = int8 * scale
 *
 * Each stored vector already carries its token's weight, so embedding is a sum and a normalise.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { StoreCorruptError } from "../errors.js";

const MAGIC = "QMSTATIC";

export const StaticTableHeaderSchema = z.object({
  version: z.literal(1),
  /** Embedder the table was distilled from, e.g. `use-lite@energetic-ai-0.2.0`. */
  source: z.string().min(1),
  vocabSize: z.number().int().positive(),
  dimension: z.number().int().positive(),
  /** sha256 of the vocabulary (JSON of `[piece, score][]`) the ids refer to. */
  vocabSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** How the table was made, for the record: PCA dims, weighting, quantisation. */
  method: z.string(),
});

export type StaticTableHeader = z.infer<typeof StaticTableHeaderSchema>;

export interface StaticTable {
  header: StaticTableHeader;
  /** vocabSize x dimension, row = token id, dequantised. */
  vectors: Float32Array;
  /** First 12 hex digits of the file's sha256: part of the model id, so a rebuilt table never mixes with an old index. */
  fingerprint: string;
}

/** Quantises `vectors` (vocabSize x dimension) per row to int8 and lays out the file. */
export function encodeStaticTable(header: StaticTableHeader, vectors: Float32Array): Buffer {
  const { vocabSize: v, dimension: d } = header;
  if (vectors.length !== v * d) throw new RangeError(`expected ${v * d} values, got ${vectors.length}`);
  const scales = new Float32Array(v);
  const values = new Int8Array(v * d);
  for (let row = 0; row < v; row++) {
    let max = 0;
    for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(vectors[row * d + i]!));
    const scale = max / 127;
    scales[row] = scale;
    if (scale === 0) continue;
    for (let i = 0; i < d; i++) values[row * d + i] = Math.round(vectors[row * d + i]! / scale);
  }
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.byteLength);
  return Buffer.concat([Buffer.from(MAGIC, "ascii"), length, json, Buffer.from(scales.buffer), Buffer.from(values.buffer)]);
}

/** Parses and dequantises a table file; `where` names it in errors. Throws StoreCorruptError on any inconsistency. */
export function decodeStaticTable(data: Buffer, where: string): StaticTable {
  const bad = (what: string, cause?: unknown) =>
    new StoreCorruptError(`static embedder table ${where} is damaged (${what}); rebuild it with \`npx tsx scripts/build-static-embedder.ts\``, { cause });
  if (data.byteLength < 12 || data.toString("ascii", 0, 8) !== MAGIC) throw bad("not a QMSTATIC file");
  const jsonLength = data.readUInt32LE(8);
  if (12 + jsonLength > data.byteLength) throw bad("header runs past the end");
  let header: StaticTableHeader;
  try {
    header = StaticTableHeaderSchema.parse(JSON.parse(data.toString("utf8", 12, 12 + jsonLength)));
  } catch (error) {
    throw bad("malformed header", error);
  }
  const { vocabSize: v, dimension: d } = header;
  const scalesAt = 12 + jsonLength;
  const valuesAt = scalesAt + 4 * v;
  if (data.byteLength !== valuesAt + v * d) throw bad(`${data.byteLength} bytes, expected ${valuesAt + v * d} for ${v} x ${d}`);
  const vectors = new Float32Array(v * d);
  for (let row = 0; row < v; row++) {
    const scale = data.readFloatLE(scalesAt + 4 * row);
    if (!Number.isFinite(scale)) throw bad(`token ${row} has a non-finite scale`);
    for (let i = 0; i < d; i++) vectors[row * d + i] = data.readInt8(valuesAt + row * d + i) * scale;
  }
  const fingerprint = createHash("sha256").update(data).digest("hex").slice(0, 12);
  return { header, vectors, fingerprint };
}

/** sha256 of a vocabulary as the table header records it. */
export function vocabularyHash(vocabulary: ReadonlyArray<readonly [string, number]>): string {
  return createHash("sha256").update(JSON.stringify(vocabulary)).digest("hex");
}
