/**
 * The vector store behind the knowledge base. Two backends implement it (an embedded on-disk
 * index and Qdrant) and both pass one behavioural suite: test/kb/stores/vector-store-suite.ts.
 */

/** What is stored with each chunk. `path` is relative to the articles root, with `/` separators. */
export interface ChunkPayload {
  path: string;
  chunkIndex: number;
  /** Number of chunks the article has; every chunk of an article carries the same value. */
  chunkCount: number;
  title: string;
  url: string;
  categories: string[];
  relevanceScore: number;
  /** The whole chunk text. */
  text: string;
  /** sha256 of the article file's bytes; equal hashes mean nothing to re-embed. */
  contentHash: string;
  scrapedAt?: string;
}

export interface StoredPoint {
  /** UUID derived from (path, chunkIndex); see kb/point-id.ts. */
  id: string;
  vector: Float32Array;
  payload: ChunkPayload;
}

/** What a collection was built with; fixed at creation, checked on every open. */
export interface CollectionMeta {
  model: string;
  dimension: number;
}

/**
 * How a search matches: `vector` by embedding similarity, `keyword` by BM25 over the chunk
 * texts (see kb/keywords.ts), `hybrid` both, fused by reciprocal rank (see stores/rrf.ts).
 */
export type SearchMode = "hybrid" | "vector" | "keyword";
export const SEARCH_MODES = ["hybrid", "vector", "keyword"] as const satisfies readonly SearchMode[];

/** The best-matching chunk of one article. */
export interface ArticleHit {
  id: string;
  /**
   * Higher is better; its scale depends on the search: cosine similarity (vector), BM25
   * (keyword) or reciprocal-rank-fusion score (hybrid).
   */
  score: number;
  payload: ChunkPayload;
}

export interface ArticleSearchOptions {
  /** Number of distinct articles wanted. */
  limit: number;
  /** Only articles in this category (exact match). */
  category?: string;
}

/** Per-article state the indexer diffs against to skip unchanged files and delete stale ones. */
export interface IndexedArticle {
  contentHash: string;
  chunkCount: number;
}

export interface StoreStats {
  points: number;
  articles: number;
  /** ISO time of the last completed index run, if any. */
  lastIndexedAt?: string;
}

export interface CategoryCount {
  category: string;
  articles: number;
}

export interface VectorStore {
  readonly backend: "embedded" | "qdrant";
  readonly collection: string;

  /**
   * Creates the collection if absent, recording `meta`; if present, throws
   * EmbeddingMismatchError when its model or dimension differs.
   */
  ensureCollection(meta: CollectionMeta): Promise<void>;
  /** The collection's recorded meta, or undefined when it does not exist. */
  getCollectionMeta(): Promise<CollectionMeta | undefined>;

  /** Inserts or replaces points by id. */
  upsert(points: StoredPoint[]): Promise<void>;
  /** Deletes every chunk of these articles. */
  deleteArticles(paths: string[]): Promise<void>;
  /** Deletes the chunks of `path` whose chunkIndex >= `fromChunkIndex` (stale chunks after an edit). */
  deleteChunksFrom(path: string, fromChunkIndex: number): Promise<void>;

  /**
   * The best chunk of each of the `limit` articles closest to `vector`, best first, filtered in
   * the store: `limit` articles come back whenever that many match.
   */
  searchArticles(vector: Float32Array, options: ArticleSearchOptions): Promise<ArticleHit[]>;
  /** As searchArticles, ranked by BM25 of `text` over the chunk texts; articles matching no term are left out. */
  searchKeywords(text: string, options: ArticleSearchOptions): Promise<ArticleHit[]>;
  /**
   * Vector and keyword rankings of articles fused by reciprocal rank in the store (Qdrant: one
   * request); each article is represented by its best vector chunk, else its best keyword chunk.
   */
  searchHybrid(vector: Float32Array, text: string, options: ArticleSearchOptions): Promise<ArticleHit[]>;

  /** Every indexed article with its content hash and chunk count, keyed by path. */
  indexedArticles(): Promise<Map<string, IndexedArticle>>;
  stats(): Promise<StoreStats>;
  /** Categories with the number of articles in each, most articles first, then by name. */
  listCategories(): Promise<CategoryCount[]>;
  /** Records the time of a completed index run. */
  markIndexed(at: Date): Promise<void>;

  /** Persists pending writes (embedded store) and releases resources. */
  close(): Promise<void>;
}
