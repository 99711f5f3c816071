/**
 * The embedded on-disk vector store, used when QDRANT_URL is unset. Points live in memory (a
 * PointTable plus an HNSW graph) and are persisted as generations under `<dir>/<collection>/`
 * (format: embedded-files.ts).
 *
 * One writer per collection: the first write (ensureCollection creating it, upsert, deletes,
 * markIndexed) takes `<dir>/<collection>/write.lock` (write-lock.ts) and close() releases it; a
 * second writer gets StoreLockedError. Readers, such as a server that only searches, never lock:
 * they load each generation the writer saves (see refreshIntervalMs).
 */
import { join } from "node:path";
import { l2Normalize } from "../embed/normalize.js";
import { CollectionMissingError, EmbeddingMismatchError } from "../errors.js";
import { assertCollectionName } from "./collection-name.js";
import { compareStrings } from "./compare-strings.js";
import {
  loadGeneration,
  readCollectionFile,
  saveGeneration,
  type CollectionFile,
  type Generation,
} from "./embedded-files.js";
import { keywordSearchTable, searchTable } from "./embedded-search.js";
import { HnswIndex, type HnswParams } from "./hnsw-index.js";
import { KeywordIndex } from "./keyword-index.js";
import { copyPayload } from "./payload-schema.js";
import { PointTable } from "./point-table.js";
import { fuseRankings, fusionDepth } from "./rrf.js";
import type {
  ArticleHit,
  ChunkPayload,
  ArticleSearchOptions,
  CategoryCount,
  CollectionMeta,
  IndexedArticle,
  StoredPoint,
  StoreStats,
  VectorStore,
} from "./vector-store.js";
import { WriteLock } from "./write-lock.js";

/** Options of the embedded store. */
export interface EmbeddedStoreOptions {
  /** Root directory; the collection lives in `<dir>/<collection>/`. */
  dir: string;
  /** Collection name: letters, digits, `-`, `_`. */
  collection: string;
  /** Persist after this many upserted or deleted points without a save. Default 2000. */
  autosaveEvery?: number;
  /**
   * A reader with no unsaved writes checks this often whether another process (an index run)
   * saved a newer generation, and loads it: a running MCP server picks up re-indexed articles
   * without a restart. Default 1000 ms; 0 checks on every read.
   */
  refreshIntervalMs?: number;
  /**
   * Score exactly (no HNSW) when the candidate set (all points, or one category's points) has at
   * most this many points. Default 3000: measured at 512 dims on 2 cores, exact scoring of 2,000
   * points takes ~3 ms while HNSW with a JS filter callback takes ~7 ms (and ~13 ms at 500), and
   * HNSW wins from about 3,000 on. 0 forces HNSW.
   */
  exactSearchThreshold?: number;
  /** First HNSW round fetches limit * oversample chunks before grouping by article. Default 4. */
  oversample?: number;
  /** HNSW graph parameters (defaults in HnswParams). */
  hnsw?: HnswParams;
  /** Receives non-fatal problems, such as an index rebuilt after damage. Default process.emitWarning. */
  onWarning?: (message: string) => void;
}

interface OpenState extends Generation {
  file: CollectionFile | undefined;
  meta: CollectionMeta;
  createdAt: string;
  lastIndexedAt: string | undefined;
}

/** Whether two collection.json contents name the same saved generation (names are unique per save). */
function isSameGeneration(a: CollectionFile, b: CollectionFile | undefined): boolean {
  return a.generation === b?.generation && a.files.points.name === b.files.points.name;
}

/** Opens (or prepares to create) the embedded store of one collection. */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedVectorStore> {
  const store = new EmbeddedVectorStore(options);
  await store.open();
  return store;
}

export class EmbeddedVectorStore implements VectorStore {
  readonly backend = "embedded" as const;
  readonly collection: string;
  /** The collection's directory. */
  readonly path: string;
  private readonly autosaveEvery: number;
  private readonly tuning: { exactThreshold: number; oversample: number };
  private readonly hnswParams: HnswParams;
  private readonly onWarning: (message: string) => void;
  private state: OpenState | undefined;
  private pending = 0;
  private readonly refreshIntervalMs: number;
  private lastRefreshCheck = 0;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  /** Taken by the first write, held until close(). */
  private lock: Promise<WriteLock> | undefined;

  /** Validates the options; call `open()` (or use openEmbeddedStore) before anything else. */
  constructor(options: EmbeddedStoreOptions) {
    assertCollectionName(options.collection);
    this.collection = options.collection;
    this.path = join(options.dir, options.collection);
    this.autosaveEvery = options.autosaveEvery ?? 2000;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 1000;
    this.tuning = { exactThreshold: options.exactSearchThreshold ?? 3000, oversample: options.oversample ?? 4 };
    this.hnswParams = options.hnsw ?? {};
    this.onWarning = options.onWarning ?? ((message) => process.emitWarning(message, "QuantMindStoreWarning"));
  }

  /**
   * Loads the collection from disk if it exists. Debris of an interrupted save is cleared by
   * the next save, not here: a reader opening mid-save must not delete the writer's temp files.
   */
  async open(): Promise<void> {
    const file = await readCollectionFile(this.path);
    if (file) this.state = await this.read(file);
  }

  private async read(file: CollectionFile): Promise<OpenState> {
    const generation = await loadGeneration(this.path, file, this.hnswParams, this.onWarning);
    return {
      ...generation,
      file,
      meta: { model: file.model, dimension: file.dimension },
      createdAt: file.createdAt,
      lastIndexedAt: file.lastIndexedAt,
    };
  }

  /**
   * Loads a generation another process saved since ours, if any (see refreshIntervalMs). Never
   * once this store writes: it holds the lock, so nobody else saves, and a load finishing after
   * one of its writes would drop that write.
   */
  private async refreshFromDisk(): Promise<void> {
    if (this.lock || this.pending > 0 || Date.now() - this.lastRefreshCheck < this.refreshIntervalMs) return;
    this.lastRefreshCheck = Date.now();
    try {
      const file = await readCollectionFile(this.path);
      if (!file || isSameGeneration(file, this.state?.file)) return;
      const state = await this.read(file);
      if (!this.lock && this.pending === 0) this.state = state;
    } catch (error) {
      // A writer may delete the generation we are reading; the next check picks up its newer one.
      this.onWarning(`kept the loaded ${this.collection} data, reloading it failed: ${(error as Error).message}`);
    }
  }

  async ensureCollection(meta: CollectionMeta): Promise<void> {
    this.assertOpen();
    if (!this.state) {
      if (!Number.isInteger(meta.dimension) || meta.dimension <= 0) {
        throw new RangeError(`collection dimension must be a positive integer, got ${meta.dimension}`);
      }
      // Creating writes; the lock may also load a collection another writer created since open().
      await this.acquireWriteLock();
    }
    if (this.state) {
      const stored = this.state.meta;
      if (stored.model !== meta.model || stored.dimension !== meta.dimension) {
        throw new EmbeddingMismatchError(
          `collection ${JSON.stringify(this.collection)} in ${this.path} was built with model ${JSON.stringify(stored.model)} ` +
            `(${stored.dimension} dims) but the configured embedder is ${JSON.stringify(meta.model)} (${meta.dimension} dims); ` +
            `index into a new collection (set KB_COLLECTION) or delete ${this.path} and run \`quantmind index\` again`,
        );
      }
      return;
    }
    const table = new PointTable(meta.dimension);
    this.state = {
      table,
      index: HnswIndex.create(meta.dimension, table.capacity, this.hnswParams),
      keywords: KeywordIndex.create(),
      file: undefined,
      meta: { ...meta },
      createdAt: new Date().toISOString(),
      lastIndexedAt: undefined,
    };
    // Persist right away so another open sees the recorded model even before any point arrives.
    await this.save();
  }

  /** Copies of the stored points whose payload passes `keep` (all by default), e.g. to move a collection. */
  async exportPoints(keep: (payload: ChunkPayload) => boolean = () => true): Promise<StoredPoint[]> {
    this.assertOpen();
    const table = this.state?.table;
    if (!table) return [];
    const points: StoredPoint[] = [];
    for (let row = 0; row < table.rowCount; row++) {
      const point = table.at(row);
      if (point && keep(point.payload)) {
        points.push({ id: point.id, vector: table.vector(row).slice(), payload: copyPayload(point.payload) });
      }
    }
    return points;
  }

  async getCollectionMeta(): Promise<CollectionMeta | undefined> {
    this.assertOpen();
    await this.refreshFromDisk();
    return this.state ? { ...this.state.meta } : undefined;
  }

  async upsert(points: StoredPoint[]): Promise<void> {
    const state = await this.writable();
    const { dimension } = state.meta;
    // Validate the whole batch first so a bad point cannot leave half a batch applied.
    const units = points.map((point) => {
      const name = `point ${point.id} (${point.payload.path}#${point.payload.chunkIndex})`;
      if (point.vector.length !== dimension) {
        throw new EmbeddingMismatchError(
          `${name} has a ${point.vector.length}-dim vector; ` +
            `collection ${JSON.stringify(this.collection)} holds ${dimension}-dim vectors of ${JSON.stringify(state.meta.model)}`,
        );
      }
      return l2Normalize(point.vector, name);
    });
    for (const [i, point] of points.entries()) {
      const unit = units[i]!;
      const row = state.table.put(point.id, unit, point.payload);
      state.index.ensureCapacity(state.table.capacity);
      state.index.set(row, unit);
      state.keywords.set(row, point.payload);
    }
    await this.changed(points.length);
  }

  async deleteArticles(paths: string[]): Promise<void> {
    const state = await this.writable();
    let removed = 0;
    for (const path of paths) {
      const rows = state.table.paths.get(path);
      if (rows) removed += this.removeRows(state, [...rows]);
    }
    await this.changed(removed);
  }

  async deleteChunksFrom(path: string, fromChunkIndex: number): Promise<void> {
    const state = await this.writable();
    const rows = [...(state.table.paths.get(path) ?? [])].filter(
      (row) => state.table.at(row)!.payload.chunkIndex >= fromChunkIndex,
    );
    await this.changed(this.removeRows(state, rows));
  }

  async searchArticles(vector: Float32Array, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    this.assertOpen();
    await this.refreshFromDisk();
    const state = this.state;
    if (!state) return [];
    const query = this.queryVector(state, vector);
    return searchTable(state.table, state.index, query, options.limit, options.category, this.tuning);
  }

  async searchKeywords(text: string, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    this.assertOpen();
    await this.refreshFromDisk();
    const state = this.state;
    if (!state) return [];
    return keywordSearchTable(state.table, state.keywords, text, options.limit, options.category);
  }

  async searchHybrid(vector: Float32Array, text: string, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    if (options.limit <= 0) return [];
    this.assertOpen();
    await this.refreshFromDisk();
    const state = this.state;
    if (!state) return [];
    const query = this.queryVector(state, vector);
    // Both rankings are computed synchronously from one loaded generation.
    const depth = fusionDepth(options.limit);
    const byVector = searchTable(state.table, state.index, query, depth, options.category, this.tuning);
    const byKeywords = keywordSearchTable(state.table, state.keywords, text, depth, options.category);
    return fuseRankings([byVector, byKeywords], options.limit);
  }

  async indexedArticles(): Promise<Map<string, IndexedArticle>> {
    this.assertOpen();
    const result = new Map<string, IndexedArticle>();
    const table = this.state?.table;
    if (!table) return result;
    // Chunk 0 speaks for its article, as in the Qdrant store, which scrolls chunkIndex == 0.
    for (const rows of table.paths.values()) {
      for (const row of rows) {
        const { payload } = table.at(row)!;
        if (payload.chunkIndex === 0) {
          result.set(payload.path, { contentHash: payload.contentHash, chunkCount: payload.chunkCount });
          break;
        }
      }
    }
    return result;
  }

  async stats(): Promise<StoreStats> {
    this.assertOpen();
    await this.refreshFromDisk();
    const state = this.state;
    if (!state) return { points: 0, articles: 0 };
    const stats: StoreStats = { points: state.table.size, articles: state.table.paths.size };
    if (state.lastIndexedAt !== undefined) stats.lastIndexedAt = state.lastIndexedAt;
    return stats;
  }

  async listCategories(): Promise<CategoryCount[]> {
    this.assertOpen();
    await this.refreshFromDisk();
    const table = this.state?.table;
    if (!table) return [];
    const counts: CategoryCount[] = [];
    for (const [category, rows] of table.categories) {
      const paths = new Set<string>();
      for (const row of rows) paths.add(table.at(row)!.payload.path);
      counts.push({ category, articles: paths.size });
    }
    return counts.sort((a, b) => b.articles - a.articles || compareStrings(a.category, b.category));
  }

  async markIndexed(at: Date): Promise<void> {
    const state = await this.writable();
    state.lastIndexedAt = at.toISOString();
    this.pending++;
    await this.save();
  }

  /**
   * Saves pending writes and releases the write lock, if this store took it. A failed save
   * throws and keeps the lock (and the pending writes) so close() can be called again.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending > 0) await this.save();
    await this.saving;
    this.closed = true;
    const lock = this.lock;
    this.lock = undefined;
    if (lock) await (await lock.catch(() => undefined))?.release();
  }

  private removeRows(state: OpenState, rows: number[]): number {
    for (const row of rows) {
      const point = state.table.at(row);
      if (!point) continue;
      state.table.remove(point.id);
      state.index.remove(row);
      state.keywords.remove(row);
    }
    return rows.length;
  }

  private async changed(count: number): Promise<void> {
    this.pending += count;
    if (this.pending >= this.autosaveEvery) await this.save();
  }

  /** Saves are chained so two never interleave their generation numbers. */
  private save(): Promise<void> {
    const run = async (): Promise<void> => {
      const state = this.state;
      if (!state) return;
      const saved = this.pending;
      this.pending = 0;
      const header = {
        model: state.meta.model,
        dimension: state.meta.dimension,
        createdAt: state.createdAt,
        ...(state.lastIndexedAt !== undefined ? { lastIndexedAt: state.lastIndexedAt } : {}),
      };
      try {
        state.file = await saveGeneration(this.path, header, state, state.file?.generation ?? 0);
      } catch (error) {
        this.pending += saved;
        throw error;
      }
    };
    const next = this.saving.then(run, run);
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** The state to write to, once this store holds the write lock. */
  private async writable(): Promise<OpenState> {
    this.assertOpen();
    if (!this.state) throw new CollectionMissingError(this.collection);
    await this.acquireWriteLock();
    this.assertOpen();
    return this.state;
  }

  /**
   * Takes the write lock unless this store holds it already; concurrent first writes share one
   * attempt, and a failed attempt is retried by the next write. Another writer may have saved
   * since this store last loaded (it had no pending writes then, or it would hold the lock),
   * so a newer generation on disk is loaded first: writes apply to the latest data.
   */
  private async acquireWriteLock(): Promise<void> {
    if (!this.lock) {
      const taking = (this.lock = WriteLock.acquire(this.path).then(async (lock) => {
        try {
          const file = await readCollectionFile(this.path);
          if (file && !isSameGeneration(file, this.state?.file)) this.state = await this.read(file);
          return lock;
        } catch (error) {
          await lock.release();
          throw error;
        }
      }));
      taking.catch(() => {
        if (this.lock === taking) this.lock = undefined;
      });
    }
    await this.lock;
  }

  /** The unit query vector, after checking it fits the collection. */
  private queryVector(state: OpenState, vector: Float32Array): Float32Array {
    if (vector.length !== state.meta.dimension) {
      throw new EmbeddingMismatchError(
        `query vector has ${vector.length} dims; collection ${JSON.stringify(this.collection)} holds ${state.meta.dimension}-dim vectors of ${JSON.stringify(state.meta.model)}`,
      );
    }
    return l2Normalize(vector, "the query vector");
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`embedded store ${this.path} is closed`);
  }
}
