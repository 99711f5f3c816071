/**
 * A thin wrapper over hnswlib-node's HierarchicalNSW for unit vectors in inner-product space
 * (distance = 1 - cosine). Labels are PointTable rows.
 *
 * `allowReplaceDeleted` stays false on purpose: hnswlib's replace-deleted mode moves a new label
 * into an arbitrary deleted slot, which breaks the one-label-one-row mapping. With it off,
 * `addPoint` on a deleted label revives that label's own slot, which is exactly row reuse.
 */
import hnswlib from "hnswlib-node";
import type { HierarchicalNSW } from "hnswlib-node";

/** Graph parameters; the defaults suit 10^4-10^5 points of 256-1024 dims. */
export interface HnswParams {
  /** Links per node. Default 16. */
  m?: number;
  /** Candidate list size while building. Default 200. */
  efConstruction?: number;
  /** Minimum candidate list size while searching (raised to k when k is larger). Default 128. */
  efSearch?: number;
}

const DEFAULTS = { m: 16, efConstruction: 200, efSearch: 128 } as const;
/** Fixed so that the same inserts build the same graph, which keeps tests reproducible. */
const RANDOM_SEED = 100;

export interface Neighbor {
  row: number;
  score: number;
}

export class HnswIndex {
  private readonly efSearch: number;
  private currentEf = -1;

  private constructor(
    private readonly index: HierarchicalNSW,
    readonly dimension: number,
    params: HnswParams,
  ) {
    this.efSearch = params.efSearch ?? DEFAULTS.efSearch;
  }

  /** An empty index with room for `capacity` labels. */
  static create(dimension: number, capacity: number, params: HnswParams = {}): HnswIndex {
    const index = new hnswlib.HierarchicalNSW("ip", dimension);
    index.initIndex({
      maxElements: capacity,
      m: params.m ?? DEFAULTS.m,
      efConstruction: params.efConstruction ?? DEFAULTS.efConstruction,
      randomSeed: RANDOM_SEED,
      allowReplaceDeleted: false,
    });
    return new HnswIndex(index, dimension, params);
  }

  /** Reads an index written by `writeSync`; throws when the file is unreadable or of another dimension. */
  static async read(file: string, dimension: number, params: HnswParams = {}): Promise<HnswIndex> {
    const index = new hnswlib.HierarchicalNSW("ip", dimension);
    await index.readIndex(file, false);
    if (index.getNumDimensions() !== dimension) {
      throw new Error(`index dimension ${index.getNumDimensions()} != ${dimension}`);
    }
    return new HnswIndex(index, dimension, params);
  }

  get capacity(): number {
    return this.index.getMaxElements();
  }

  /** Labels the index holds, deleted ones included. */
  labels(): number[] {
    return this.index.getIdsList();
  }

  /** Grows the index to hold at least `capacity` labels. */
  ensureCapacity(capacity: number): void {
    if (capacity > this.capacity) this.index.resizeIndex(capacity);
  }

  /** Inserts, replaces or revives the point with this label. */
  set(row: number, unitVector: Float32Array): void {
    this.ensureCapacity(row + 1);
    this.index.addPoint(Array.from(unitVector), row);
  }

  /** Hides a label from searches; `set` on it later revives the slot. */
  remove(row: number): void {
    this.index.markDelete(row);
  }

  /** The `k` nearest live labels accepted by `filter`, best first. */
  search(unitQuery: Float32Array, k: number, filter?: (row: number) => boolean): Neighbor[] {
    const wanted = Math.min(k, this.capacity);
    if (wanted <= 0) return [];
    const ef = Math.max(this.efSearch, wanted);
    if (ef !== this.currentEf) {
      this.index.setEf(ef);
      this.currentEf = ef;
    }
    const result = this.index.searchKnn(Array.from(unitQuery), wanted, filter);
    return result.neighbors.map((row, i) => ({ row, score: 1 - result.distances[i]! }));
  }

  /** Writes the index synchronously, so it cannot change under the writer. */
  writeSync(file: string): void {
    this.index.writeIndexSync(file);
  }
}
