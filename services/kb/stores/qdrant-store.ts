/**
 * The Qdrant vector store, used when QDRANT_URL is set.
 *
 * Model and dimension live in a companion collection `<name>__meta` holding one point (id 1,
 * 1-dim vector) whose payload is `{ model, dimension, createdAt, lastIndexedAt }`. Collection
 * `metadata` (Qdrant >= 1.16) would be tidier, but this client's createCollection drops the field
 * and older servers ignore it silently, so the mismatch check would quietly switch off; a point
 * works on every server version. The meta is written before the collection is created: a crash in
 * between leaves meta without a collection, which the next ensureCollection overwrites.
 *
 * Each point holds the dense vector (unnamed, as before hybrid search existed) and a sparse
 * vector `keywords` (sparse-terms.ts, IDF applied by Qdrant); hybrid search is one query-groups
 * request whose two prefetches are fused by Qdrant's reciprocal rank fusion.
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import { z } from "zod";
import { retry } from "../../shared/retry.js";
import { l2Normalize } from "../embed/normalize.js";
import { BackendUnavailableError, CollectionMissingError, EmbeddingMismatchError, StoreCorruptError } from "../errors.js";
import { assertCollectionName } from "./collection-name.js";
import { compareStrings } from "./compare-strings.js";
import { ChunkPayloadSchema } from "./payload-schema.js";
import { describeQdrantError, isTransientQdrantError, statusOf } from "./qdrant-errors.js";
import { fusionDepth } from "./rrf.js";
import { documentSparseVector, querySparseVector } from "./sparse-terms.js";
import type {
  ArticleHit,
  ArticleSearchOptions,
  CategoryCount,
  CollectionMeta,
  IndexedArticle,
  StoredPoint,
  StoreStats,
  VectorStore,
} from "./vector-store.js";

/** Options of the Qdrant store. */
export interface QdrantStoreOptions {
  /** Base URL of Qdrant's REST API (QDRANT_URL), e.g. http://qdrant:6333. */
  url: string;
  /** Sent as the `api-key` header when set (QDRANT_API_KEY). */
  apiKey?: string;
  /** Collection name: letters, digits, `-`, `_`; must not end in `__meta`. */
  collection: string;
  /** Points per upsert request. Default 256. */
  batchSize?: number;
  /** Tries per request, the first included. Default 4. */
  retryAttempts?: number;
  /** Backoff before the second try, doubling after. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

const META_SUFFIX = "__meta";
const META_POINT_ID = 1;
const CHUNK0 = { must: [{ key: "chunkIndex", match: { value: 0 } }] };
/** Facet values returned at most; far above any realistic number of categories. */
const FACET_LIMIT = 10_000;
const SCROLL_PAGE = 1000;
/** Name of the sparse keyword vector; the dense one is Qdrant's unnamed default (""). */
const KEYWORDS = "keywords";

const MetaPayloadSchema = z.object({
  model: z.string(),
  dimension: z.number().int().positive(),
  lastIndexedAt: z.string().optional(),
});
type MetaPayload = z.infer<typeof MetaPayloadSchema>;

interface CallOptions<T> {
  /** Value to return when Qdrant answers 404 (collection absent) instead of failing. */
  ifNotFound?: () => T;
}

export class QdrantVectorStore implements VectorStore {
  readonly backend = "qdrant" as const;
  readonly collection: string;
  private readonly metaCollection: string;
  private readonly client: QdrantClient;
  private readonly displayUrl: string;
  private readonly apiKey: string | undefined;
  private readonly batchSize: number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  /** Known once ensureCollection ran or meta was read; used to check vector dimensions locally. */
  private meta: CollectionMeta | undefined;

  constructor(options: QdrantStoreOptions) {
    assertCollectionName(options.collection);
    if (options.collection.endsWith(META_SUFFIX)) {
      throw new TypeError(`collection name ${JSON.stringify(options.collection)} must not end in ${META_SUFFIX}`);
    }
    this.collection = options.collection;
    this.metaCollection = `${options.collection}${META_SUFFIX}`;
    this.apiKey = options.apiKey;
    this.batchSize = options.batchSize ?? 256;
    this.attempts = options.retryAttempts ?? 4;
    this.baseDelayMs = options.retryBaseDelayMs ?? 200;
    const shown = new URL(options.url);
    shown.username = "";
    shown.password = "";
    this.displayUrl = shown.toString().replace(/\/$/, "");
    this.client = new QdrantClient({
      url: options.url,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      timeout: options.timeoutMs ?? 30_000,
      // The version probe is a fire-and-forget request that only logs; skip it.
      checkCompatibility: false,
    });
  }

  async ensureCollection(meta: CollectionMeta): Promise<void> {
    const exists = await this.exists(this.collection);
    const stored = await this.readMeta();
    if (exists) {
      if (!stored) {
        throw new EmbeddingMismatchError(
          `Qdrant collection ${JSON.stringify(this.collection)} exists but records no embedding model (no point in ${this.metaCollection}), ` +
            `so its vectors cannot be trusted to match ${JSON.stringify(meta.model)} (${meta.dimension} dims); ` +
            `index into a new collection (set KB_COLLECTION) or delete collection ${this.collection} and run \`quantmind index\` again`,
        );
      }
      if (stored.model !== meta.model || stored.dimension !== meta.dimension) {
        throw new EmbeddingMismatchError(
          `Qdrant collection ${JSON.stringify(this.collection)} was built with model ${JSON.stringify(stored.model)} (${stored.dimension} dims) ` +
            `but the configured embedder is ${JSON.stringify(meta.model)} (${meta.dimension} dims); ` +
            `index into a new collection (set KB_COLLECTION) or delete collection ${this.collection} and run \`quantmind index\` again`,
        );
      }
      this.meta = { model: stored.model, dimension: stored.dimension };
      if (!(await this.hasKeywordVector())) {
        // Made before keyword search. Qdrant cannot add a sparse vector to a collection, so it is
        // made anew and the indexer, finding no articles, embeds every article again.
        await this.call(`delete collection ${this.collection}`, (c) => c.deleteCollection(this.collection));
        await this.createCollection(stored.dimension);
      }
      return;
    }
    if (!(await this.exists(this.metaCollection))) {
      await this.call(`create collection ${this.metaCollection}`, (c) =>
        c.createCollection(this.metaCollection, { vectors: { size: 1, distance: "Cosine" } }),
      );
    }
    const payload = { model: meta.model, dimension: meta.dimension, createdAt: new Date().toISOString() };
    await this.call(`record the meta of ${this.collection}`, (c) =>
      c.upsert(this.metaCollection, { wait: true, points: [{ id: META_POINT_ID, vector: [1], payload }] }),
    );
    await this.createCollection(meta.dimension);
    this.meta = { ...meta };
  }

  /** The chunks' collection: the dense vector, the `keywords` sparse vector, and payload indexes. */
  private async createCollection(dimension: number): Promise<void> {
    await this.call(`create collection ${this.collection}`, (c) =>
      c.createCollection(this.collection, {
        vectors: { size: dimension, distance: "Cosine" },
        sparse_vectors: { [KEYWORDS]: { modifier: "idf" } },
      }),
    );
    for (const [field_name, field_schema] of [
      ["path", "keyword"],
      ["categories", "keyword"],
      ["chunkIndex", "integer"],
    ] as const) {
      await this.call(`create the ${field_name} index`, (c) =>
        c.createPayloadIndex(this.collection, { field_name, field_schema, wait: true }),
      );
    }
  }

  private async hasKeywordVector(): Promise<boolean> {
    const info = await this.call(`read collection ${this.collection}`, (c) => c.getCollection(this.collection));
    return info.config.params.sparse_vectors?.[KEYWORDS] !== undefined;
  }

  async getCollectionMeta(): Promise<CollectionMeta | undefined> {
    if (!(await this.exists(this.collection))) return undefined;
    const stored = await this.readMeta();
    return stored ? { model: stored.model, dimension: stored.dimension } : undefined;
  }

  async upsert(points: StoredPoint[]): Promise<void> {
    const { dimension, model } = await this.requireMeta();
    const bad = points.find((p) => p.vector.length !== dimension);
    if (bad) {
      throw new EmbeddingMismatchError(
        `point ${bad.id} (${bad.payload.path}#${bad.payload.chunkIndex}) has a ${bad.vector.length}-dim vector; ` +
          `collection ${JSON.stringify(this.collection)} holds ${dimension}-dim vectors of ${JSON.stringify(model)}`,
      );
    }
    // Qdrant would store a zero vector and score it NaN or 0 against everything; refuse it here, as
    // the embedded store does. What is sent stays the caller's vector: Qdrant normalises for cosine.
    for (const p of points) l2Normalize(p.vector, `point ${p.id} (${p.payload.path}#${p.payload.chunkIndex})`);
    for (let i = 0; i < points.length; i += this.batchSize) {
      const batch = points.slice(i, i + this.batchSize).map((p) => ({
        id: p.id,
        vector: { "": Array.from(p.vector), [KEYWORDS]: documentSparseVector(p.payload.text) },
        payload: { ...p.payload },
      }));
      await this.call(`upsert ${batch.length} points`, (c) => c.upsert(this.collection, { wait: true, points: batch }));
    }
  }

  async deleteArticles(paths: string[]): Promise<void> {
    await this.requireMeta();
    for (let i = 0; i < paths.length; i += this.batchSize) {
      const any = paths.slice(i, i + this.batchSize);
      await this.call(`delete ${any.length} articles`, (c) =>
        c.delete(this.collection, { wait: true, filter: { must: [{ key: "path", match: { any } }] } }),
      );
    }
  }

  async deleteChunksFrom(path: string, fromChunkIndex: number): Promise<void> {
    await this.requireMeta();
    const filter = {
      must: [
        { key: "path", match: { value: path } },
        { key: "chunkIndex", range: { gte: fromChunkIndex } },
      ],
    };
    await this.call(`delete stale chunks of ${path}`, (c) => c.delete(this.collection, { wait: true, filter }));
  }

  async searchArticles(vector: Float32Array, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    const dense = await this.denseQuery(vector);
    if (!dense || options.limit <= 0) return [];
    return this.groupQuery("search", { query: dense }, options);
  }

  async searchKeywords(text: string, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    const sparse = querySparseVector(text);
    if (sparse.indices.length === 0 || options.limit <= 0) return [];
    return this.groupQuery("keyword search", { query: sparse, using: KEYWORDS }, options);
  }

  async searchHybrid(vector: Float32Array, text: string, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    const dense = await this.denseQuery(vector);
    if (!dense || options.limit <= 0) return [];
    const sparse = querySparseVector(text);
    if (sparse.indices.length === 0) return this.searchArticles(vector, options);
    const filter = categoryFilter(options.category);
    // Prefetch limits count chunks; several chunks of one article can fill them, so go deeper
    // than the articles wanted, as the embedded store does.
    const limit = fusionDepth(options.limit) * 2;
    const prefetch = [
      { query: dense, limit, ...(filter && { filter }) },
      { query: sparse, using: KEYWORDS, limit, ...(filter && { filter }) },
    ];
    return this.groupQuery("hybrid search", { prefetch, query: { fusion: "rrf" as const } }, options);
  }

  /** The query vector as Qdrant takes it, after checking it fits the collection; undefined when there is none. */
  private async denseQuery(vector: Float32Array): Promise<number[] | undefined> {
    const meta = this.meta ?? (await this.getCollectionMeta());
    if (!meta) return undefined;
    this.meta = meta;
    if (vector.length !== meta.dimension) {
      throw new EmbeddingMismatchError(
        `query vector has ${vector.length} dims; collection ${JSON.stringify(this.collection)} holds ${meta.dimension}-dim vectors of ${JSON.stringify(meta.model)}`,
      );
    }
    l2Normalize(vector, "the query vector");
    return Array.from(vector);
  }

  /** One query-groups request (best chunk per article), filtered by category when given. */
  private async groupQuery(
    what: string,
    query: Omit<Parameters<QdrantClient["queryGroups"]>[1], "group_by">,
    options: ArticleSearchOptions,
  ): Promise<ArticleHit[]> {
    const filter = categoryFilter(options.category);
    let result;
    try {
      result = await this.call(
        what,
        (c) => c.queryGroups(this.collection, { ...query, group_by: "path", group_size: 1, limit: options.limit, with_payload: true, ...(filter && { filter }) }),
        { ifNotFound: () => ({ groups: [] }) },
      );
    } catch (error) {
      // A collection created before keyword search has no sparse vectors to query.
      if (statusOf((error as Error).cause) === 400 && String((error as Error).message).includes(KEYWORDS)) {
        throw new EmbeddingMismatchError(
          `Qdrant collection ${JSON.stringify(this.collection)} has no keyword index (it predates hybrid search); ` +
            `search with mode "vector", or delete collection ${this.collection} and run \`quantmind index\` again`,
        );
      }
      throw error;
    }
    const hits = result.groups.flatMap((group) => {
      const hit = group.hits[0];
      return hit ? [{ id: String(hit.id), score: hit.score, payload: this.parsePayload(hit.id, hit.payload) }] : [];
    });
    return hits.sort((a, b) => b.score - a.score || compareStrings(a.payload.path, b.payload.path));
  }

  async indexedArticles(): Promise<Map<string, IndexedArticle>> {
    const articles = new Map<string, IndexedArticle>();
    let offset: string | number | Record<string, unknown> | null | undefined;
    do {
      const page = await this.call(
        "list indexed articles",
        (c) =>
          c.scroll(this.collection, {
            filter: CHUNK0,
            limit: SCROLL_PAGE,
            with_payload: ["path", "contentHash", "chunkCount"],
            with_vector: false,
            ...(offset !== undefined && offset !== null ? { offset: offset as string | number } : {}),
          }),
        { ifNotFound: () => ({ points: [], next_page_offset: null }) },
      );
      for (const point of page.points) {
        const parsed = ChunkPayloadSchema.pick({ path: true, contentHash: true, chunkCount: true }).safeParse(point.payload);
        if (!parsed.success) throw this.malformed(point.id, parsed.error.message);
        articles.set(parsed.data.path, { contentHash: parsed.data.contentHash, chunkCount: parsed.data.chunkCount });
      }
      offset = page.next_page_offset;
    } while (offset !== undefined && offset !== null);
    return articles;
  }

  async stats(): Promise<StoreStats> {
    const absent = () => ({ count: 0 });
    const points = await this.call("count points", (c) => c.count(this.collection, { exact: true }), { ifNotFound: absent });
    const articles = await this.call("count articles", (c) => c.count(this.collection, { filter: CHUNK0, exact: true }), {
      ifNotFound: absent,
    });
    const stats: StoreStats = { points: points.count, articles: articles.count };
    const meta = await this.readMeta();
    if (meta?.lastIndexedAt !== undefined) stats.lastIndexedAt = meta.lastIndexedAt;
    return stats;
  }

  async listCategories(): Promise<CategoryCount[]> {
    const result = await this.call(
      "count articles per category",
      (c) => c.facet(this.collection, { key: "categories", filter: CHUNK0, limit: FACET_LIMIT, exact: true }),
      { ifNotFound: () => ({ hits: [] }) },
    );
    return result.hits
      .map((hit) => ({ category: String(hit.value), articles: hit.count }))
      .sort((a, b) => b.articles - a.articles || compareStrings(a.category, b.category));
  }

  async markIndexed(at: Date): Promise<void> {
    await this.requireMeta();
    await this.call(`record the index time of ${this.collection}`, (c) =>
      c.setPayload(this.metaCollection, { wait: true, payload: { lastIndexedAt: at.toISOString() }, points: [META_POINT_ID] }),
    );
  }

  /** Deletes the collection and its meta (tests, and operators starting over). */
  async drop(): Promise<void> {
    for (const name of [this.collection, this.metaCollection]) {
      await this.call(`delete collection ${name}`, (c) => c.deleteCollection(name), { ifNotFound: () => true });
    }
    this.meta = undefined;
  }

  /** Nothing to release: the client holds no connection beyond its keep-alive pool. */
  async close(): Promise<void> {}

  private async exists(name: string): Promise<boolean> {
    const result = await this.call(`check collection ${name}`, (c) => c.collectionExists(name));
    return result.exists;
  }

  private async readMeta(): Promise<MetaPayload | undefined> {
    const points = await this.call(
      `read the meta of ${this.collection}`,
      (c) => c.retrieve(this.metaCollection, { ids: [META_POINT_ID], with_payload: true, with_vector: false }),
      { ifNotFound: () => [] },
    );
    const point = points[0];
    if (!point) return undefined;
    const parsed = MetaPayloadSchema.safeParse(point.payload);
    if (!parsed.success) throw this.malformed(point.id, parsed.error.message, this.metaCollection);
    return parsed.data;
  }

  private async requireMeta(): Promise<CollectionMeta> {
    this.meta ??= await this.getCollectionMeta();
    if (!this.meta) throw new CollectionMissingError(this.collection);
    return this.meta;
  }

  private parsePayload(id: string | number, payload: unknown) {
    const parsed = ChunkPayloadSchema.safeParse(payload);
    if (!parsed.success) throw this.malformed(id, parsed.error.message);
    return parsed.data;
  }

  private malformed(id: string | number, detail: string, collection = this.collection): StoreCorruptError {
    return new StoreCorruptError(
      `point ${id} in Qdrant collection ${collection} has a malformed payload (${detail.slice(0, 200)}); re-index it with \`quantmind index\``,
    );
  }

  /** One Qdrant request with retries; failures become BackendUnavailableError (never with the key). */
  private async call<T>(what: string, fn: (client: QdrantClient) => Promise<T>, options: CallOptions<T> = {}): Promise<T> {
    let attempts = 0;
    try {
      return await retry(
        () => {
          attempts++;
          return fn(this.client);
        },
        { maxAttempts: this.attempts, baseDelayMs: this.baseDelayMs, shouldRetry: isTransientQdrantError },
      );
    } catch (error) {
      if (statusOf(error) === 404 && options.ifNotFound) return options.ifNotFound();
      let detail = describeQdrantError(error);
      if (this.apiKey) detail = detail.split(this.apiKey).join("[redacted]");
      const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
      throw new BackendUnavailableError(`Qdrant at ${this.displayUrl} (QDRANT_URL) failed to ${what}${tries}: ${detail}`, {
        cause: error,
      });
    }
  }
}

function categoryFilter(category: string | undefined) {
  return category === undefined ? undefined : { must: [{ key: "categories", match: { value: category } }] };
}
