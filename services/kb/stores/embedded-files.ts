/**
 * The embedded store's on-disk format. Under `<dir>/<collection>/`:
 *
 *   collection.json       meta + the current generation, with byte counts and sha256 of its files
 *   points-<g>-<t>.json   { rows: ({ id, payload } | null)[] }, row = HNSW label, null = free row
 *   vectors-<g>-<t>.f32   rows x dimension little-endian float32, unit length
 *   hnsw-<g>-<t>.bin      hnswlib index over the same rows
 *   write.lock            the writer's lock (write-lock.ts)
 *
 * `<t>` is random per save, so two writers that both reach generation g (one bypassing the lock)
 * still never overwrite each other's files. A save writes generation g+1 next to g (each file via
 * temp + fsync + rename), then switches collection.json atomically, then deletes generation g.
 * A crash at any step leaves either the old or the new generation complete. On load, checksums
 * catch truncated or edited files: a bad points or vectors file is an error, a bad HNSW file is
 * rebuilt from the vectors. Files are found through collection.json, never by name pattern.
 *
 * The BM25 keyword index (keyword-index.ts) is not a file: it is built from the chunk texts on
 * every load. Generations saved by the MiniSearch-based index (before 2026-12-03) also name a
 * `keywords-<g>-<t>.json` in collection.json: it is never read (another format, and the texts
 * hold the same information), and the next save, which no longer lists it, deletes it. The
 * format version stays 1 because both directions work: an older build opening a newer
 * generation finds no keyword file and builds its MiniSearch index from the texts, as it did
 * for collections saved before keyword search.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { StoreCorruptError } from "../errors.js";
import { TEMP_MARKER, commitTempFile, fsyncFile, tempPathFor, writeFileAtomic } from "./atomic-file.js";
import { HnswIndex, type HnswParams } from "./hnsw-index.js";
import { KeywordIndex } from "./keyword-index.js";
import { ChunkPayloadSchema } from "./payload-schema.js";
import { PointTable, type PointRow } from "./point-table.js";
import { isPidAlive } from "./write-lock.js";

export const FORMAT_VERSION = 1;
export const COLLECTION_FILE = "collection.json";

const FileRefSchema = z.object({ name: z.string(), bytes: z.number().int().min(0), sha256: z.string() });

const CollectionFileSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  model: z.string(),
  dimension: z.number().int().positive(),
  distance: z.literal("cosine"),
  createdAt: z.string(),
  lastIndexedAt: z.string().optional(),
  generation: z.number().int().min(0),
  rows: z.number().int().min(0),
  points: z.number().int().min(0),
  // `keywords`: a MiniSearch index that generations before 2026-12-03 saved; read, never used.
  files: z.object({ points: FileRefSchema, vectors: FileRefSchema, hnsw: FileRefSchema, keywords: FileRefSchema.optional() }),
});

/** Contents of collection.json. */
export type CollectionFile = z.infer<typeof CollectionFileSchema>;

const PointsFileSchema = z.object({
  rows: z.array(z.object({ id: z.string(), payload: ChunkPayloadSchema }).nullable()),
});

/** What one generation holds in memory. */
export interface Generation {
  table: PointTable;
  index: HnswIndex;
  keywords: KeywordIndex;
}

/** Fields of collection.json that the store owns; the rest is filled in by `saveGeneration`. */
export type CollectionHeader = Pick<CollectionFile, "model" | "dimension" | "createdAt" | "lastIndexedAt">;

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

function corrupt(dir: string, what: string, cause?: unknown): StoreCorruptError {
  return new StoreCorruptError(
    `embedded store ${dir} is damaged (${what}); delete that directory and run \`quantmind index\` again`,
    { cause },
  );
}

/** Reads collection.json; undefined when the collection was never created. */
export async function readCollectionFile(dir: string): Promise<CollectionFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, COLLECTION_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(dir, `${COLLECTION_FILE} is not valid JSON`, error);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) {
    throw new StoreCorruptError(
      `embedded store ${dir} has format version ${String(version)}, this build reads ${FORMAT_VERSION}; ` +
        "delete that directory and run `quantmind index` again",
    );
  }
  const parsed = CollectionFileSchema.safeParse(json);
  if (!parsed.success) throw corrupt(dir, `${COLLECTION_FILE} is malformed: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

async function readVerified(dir: string, ref: z.infer<typeof FileRefSchema>): Promise<Buffer | string> {
  let data: Buffer;
  try {
    data = await readFile(join(dir, ref.name));
  } catch (error) {
    return `${ref.name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (data.byteLength !== ref.bytes) return `${ref.name} has ${data.byteLength} bytes, expected ${ref.bytes}`;
  if (sha256(data) !== ref.sha256) return `${ref.name} does not match its checksum`;
  return data;
}

/**
 * Loads the generation named by `file`. Throws StoreCorruptError when points or vectors are
 * damaged; rebuilds the HNSW index (and reports it through `onWarning`) when only that is.
 */
export async function loadGeneration(
  dir: string,
  file: CollectionFile,
  params: HnswParams,
  onWarning: (message: string) => void,
): Promise<Generation> {
  const pointsData = await readVerified(dir, file.files.points);
  if (typeof pointsData === "string") throw corrupt(dir, pointsData);
  const vectorsData = await readVerified(dir, file.files.vectors);
  if (typeof vectorsData === "string") throw corrupt(dir, vectorsData);

  let parsed: z.infer<typeof PointsFileSchema>;
  try {
    parsed = PointsFileSchema.parse(JSON.parse(pointsData.toString("utf8")));
  } catch (error) {
    throw corrupt(dir, `${file.files.points.name} is malformed`, error);
  }
  const rows: (PointRow | null)[] = parsed.rows;
  const live = rows.filter(Boolean).length;
  if (rows.length !== file.rows || live !== file.points) {
    throw corrupt(dir, `${file.files.points.name} holds ${live} points in ${rows.length} rows, expected ${file.points} in ${file.rows}`);
  }
  if (vectorsData.byteLength !== file.rows * file.dimension * 4) {
    throw corrupt(dir, `${file.files.vectors.name} does not hold ${file.rows} vectors of ${file.dimension} dims`);
  }
  // Copy into an aligned buffer: a Buffer from readFile may start at any offset of a shared pool.
  const vectors = new Float32Array(file.rows * file.dimension);
  new Uint8Array(vectors.buffer).set(vectorsData);
  const table = PointTable.fromRows(file.dimension, rows, vectors);
  const keywords = rebuildKeywords(table);

  const problem = await readVerified(dir, file.files.hnsw);
  if (typeof problem !== "string") {
    try {
      const index = await HnswIndex.read(join(dir, file.files.hnsw.name), file.dimension, params);
      const labels = new Set(index.labels());
      if ([...table.liveRows()].every((row) => labels.has(row))) {
        index.ensureCapacity(table.capacity);
        return { table, index, keywords };
      }
      onWarning(`embedded store ${dir}: HNSW index lacks some points; rebuilding it from the vectors`);
    } catch (error) {
      onWarning(`embedded store ${dir}: HNSW index unreadable (${String(error)}); rebuilding it from the vectors`);
    }
  } else {
    onWarning(`embedded store ${dir}: ${problem}; rebuilding the HNSW index from the vectors`);
  }
  return { table, index: rebuildIndex(table, params), keywords };
}

/** A fresh keyword index over every live point of `table`. */
export function rebuildKeywords(table: PointTable): KeywordIndex {
  const keywords = KeywordIndex.create();
  for (const row of table.liveRows()) {
    keywords.set(row, table.at(row)!.payload);
  }
  return keywords;
}

/** A fresh HNSW index over every live row of `table`. */
export function rebuildIndex(table: PointTable, params: HnswParams): HnswIndex {
  const index = HnswIndex.create(table.dimension, table.capacity, params);
  for (const row of table.liveRows()) index.set(row, table.vector(row));
  return index;
}

/**
 * Writes `generation` as the next generation after `previous` and switches collection.json to it.
 * Everything read from memory is captured synchronously before the first await, so writes that
 * land while the files are being flushed belong to the next save.
 */
export async function saveGeneration(
  dir: string,
  header: CollectionHeader,
  generation: Generation,
  previous: number,
): Promise<CollectionFile> {
  const gen = previous + 1;
  const tag = `${gen}-${randomBytes(4).toString("hex")}`;
  const names = {
    points: `points-${tag}.json`,
    vectors: `vectors-${tag}.f32`,
    hnsw: `hnsw-${tag}.bin`,
  };
  await mkdir(dir, { recursive: true });
  const { rows, vectors } = generation.table.snapshot();
  const pointsBytes = Buffer.from(JSON.stringify({ rows }), "utf8");
  const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  const hnswTemp = tempPathFor(join(dir, names.hnsw));
  generation.index.writeSync(hnswTemp);

  try {
    await fsyncFile(hnswTemp);
    await commitTempFile(hnswTemp, join(dir, names.hnsw));
  } catch (error) {
    await rm(hnswTemp, { force: true });
    throw error;
  }
  await writeFileAtomic(join(dir, names.points), pointsBytes);
  await writeFileAtomic(join(dir, names.vectors), vectorBytes);
  const hnswBytes = await readFile(join(dir, names.hnsw));

  const file: CollectionFile = {
    formatVersion: FORMAT_VERSION,
    ...header,
    distance: "cosine",
    generation: gen,
    rows: rows.length,
    points: generation.table.size,
    files: {
      points: { name: names.points, bytes: pointsBytes.byteLength, sha256: sha256(pointsBytes) },
      vectors: { name: names.vectors, bytes: vectorBytes.byteLength, sha256: sha256(vectorBytes) },
      hnsw: { name: names.hnsw, bytes: hnswBytes.byteLength, sha256: sha256(hnswBytes) },
    },
  };
  await writeFileAtomic(join(dir, COLLECTION_FILE), `${JSON.stringify(file, null, 2)}\n`);
  await removeStaleFiles(dir, file);
  return file;
}

/** Files of some generation, named `<kind>-<g>-<tag>.<ext>` (or `<kind>-<g>.<ext>` before tags). */
const GENERATION_FILE = /^(points|vectors|hnsw|keywords)-\d+(-[0-9a-f]+)?\.(json|f32|bin)$/;
/** The pid in a temp name made by tempPathFor (`<target>.tmp-<pid>-<random>`); NaN if there is none. */
const tempPid = (name: string): number => Number(name.slice(name.lastIndexOf(TEMP_MARKER) + TEMP_MARKER.length).split("-")[0]);

/**
 * Deletes debris of interrupted saves: generation files that neither `current` nor the
 * collection.json now on disk refers to, and temp files of processes that are gone (or of this
 * one, which has no save in flight when this runs). Only the lock holder calls it, so nothing
 * else should be writing; a temp file of another live process is still left alone in case
 * someone bypassed the lock. write.lock itself matches neither rule.
 */
export async function removeStaleFiles(dir: string, current: CollectionFile | undefined): Promise<void> {
  const keep = new Set(current ? Object.values(current.files).flatMap((ref) => (ref ? [ref.name] : [])) : []);
  const onDisk = await readCollectionFile(dir).catch(() => undefined);
  if (onDisk) for (const ref of Object.values(onDisk.files)) if (ref) keep.add(ref.name);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    let stale: boolean;
    if (name.includes(TEMP_MARKER)) {
      const pid = tempPid(name);
      stale = !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !isPidAlive(pid);
    } else {
      stale = GENERATION_FILE.test(name) && !keep.has(name);
    }
    if (stale) await rm(join(dir, name), { force: true });
  }
}
