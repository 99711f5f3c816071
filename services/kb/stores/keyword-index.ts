/**
 * The embedded store's full-text index: BM25 over each chunk's text and title (MiniSearch),
 * keyed by point id, kept beside the vectors and changed with them point by point.
 */
import MiniSearch from "minisearch";
import { keywordTerms } from "../keywords.js";

interface ChunkDoc {
  id: string;
  title: string;
  text: string;
}

/** The chunk text carries the title as its first line already; a match there counts a bit more. */
const TITLE_BOOST = 2;

const OPTIONS = {
  fields: ["title", "text"],
  storeFields: [],
  tokenize: keywordTerms,
  // keywordTerms already lower-cases, splits and filters; MiniSearch must not change the terms.
  processTerm: (term: string) => term,
  // Discarded points are dropped from the term index in the background, in small batches.
  autoVacuum: { batchSize: 1000, batchWait: 10, minDirtCount: 200, minDirtFactor: 0.1 },
};

/** One frozen options object, so a search does not rebuild it. */
const SEARCH_OPTIONS = Object.freeze({
  boost: { title: TITLE_BOOST },
  prefix: false,
  fuzzy: false,
  combineWith: "OR",
});

/** MiniSearch's own result objects; only these two of their fields are read. */
export interface KeywordHit {
  readonly id: string;
  /** BM25 score, higher is better; only comparable within one query. */
  readonly score: number;
}

export class KeywordIndex {
  private constructor(private readonly search_: MiniSearch<ChunkDoc>) {}

  static create(): KeywordIndex {
    return new KeywordIndex(new MiniSearch<ChunkDoc>(OPTIONS));
  }

  /** Restores an index saved with toJSON(); throws on malformed input. */
  static fromJSON(json: string): KeywordIndex {
    return new KeywordIndex(MiniSearch.loadJSON<ChunkDoc>(json, OPTIONS));
  }

  /** Number of indexed chunks. */
  get size(): number {
    return this.search_.documentCount;
  }

  has(id: string): boolean {
    return this.search_.has(id);
  }

  /** Indexes a chunk, replacing any earlier version of the same id. */
  set(id: string, title: string, text: string): void {
    if (this.search_.has(id)) this.search_.discard(id);
    this.search_.add({ id, title, text });
  }

  remove(id: string): void {
    if (this.search_.has(id)) this.search_.discard(id);
  }

  /**
   * Chunks matching any term of `query`, best first; with `keep`, only the chunks it accepts.
   * `keep` goes in as MiniSearch's `boostDocument` (a zero boost skips the chunk before its
   * result object is built) rather than its `filter`, which runs only after every result
   * object exists: a category-filtered search then allocates for the category's chunks alone.
   */
  search(query: string, keep?: (id: string) => boolean): KeywordHit[] {
    const options = keep ? { ...SEARCH_OPTIONS, boostDocument: (id: string) => (keep(id) ? 1 : 0) } : SEARCH_OPTIONS;
    return this.search_.search(query, options) as unknown as KeywordHit[];
  }

  toJSON(): string {
    return JSON.stringify(this.search_);
  }
}
