import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { BackendUnavailableError, EmbeddingMismatchError } from "../../../services/kb/errors.js";
import { QdrantVectorStore, type QdrantStoreOptions } from "../../../services/kb/stores/qdrant-store.js";
import { documentSparseVector, querySparseVector, termIndex } from "../../../services/kb/stores/sparse-terms.js";
import { chunk, describeVectorStoreSuite, vec } from "./vector-store-suite.js";

const QDRANT_URL = process.env.QDRANT_URL;
if (!QDRANT_URL) console.warn("qdrant-store: skipped, set QDRANT_URL=http://127.0.0.1:6333 to run against a real Qdrant");

describe.skipIf(!QDRANT_URL)("QdrantVectorStore against a real Qdrant", () => {
  describeVectorStoreSuite("qdrant", async () => {
    const options: QdrantStoreOptions = {
      url: QDRANT_URL!,
      collection: `qm_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
      ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}),
    };
    return {
      store: new QdrantVectorStore(options),
      reopen: async () => new QdrantVectorStore(options),
      cleanup: () => new QdrantVectorStore(options).drop(),
    };
  });
});

// ---- A small, strict stand-in for Qdrant's REST API, to pin down the protocol we speak. ----

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const Filter = z.object({ must: z.array(z.record(z.string(), z.unknown())) }).strict();
const PointId = z.union([z.string().uuid(), z.number().int()]);
/** Qdrant's sparse vector: u32 indices, each once, with as many values. */
const Sparse = z
  .object({ indices: z.array(z.number().int().min(0).max(2 ** 32 - 1)), values: z.array(z.number()) })
  .strict()
  .refine((v) => v.indices.length === v.values.length && new Set(v.indices).size === v.indices.length, "indices must be unique and match values");
/** A chunk carries the unnamed dense vector and the `keywords` sparse one; the meta point a 1-dim dense vector. */
const PointVector = z.union([z.array(z.number()), z.object({ "": z.array(z.number()), keywords: Sparse }).strict()]);
const Prefetch = z
  .object({ query: z.union([z.array(z.number()), Sparse]), using: z.literal("keywords").optional(), limit: z.number().int().positive(), filter: Filter.optional() })
  .strict();
const schemas: Record<string, z.ZodType> = {
  "PUT collection": z
    .object({
      vectors: z.object({ size: z.number().int().positive(), distance: z.literal("Cosine") }).strict(),
      sparse_vectors: z.object({ keywords: z.object({ modifier: z.literal("idf") }).strict() }).strict().optional(),
    })
    .strict(),
  "PUT index": z.object({ field_name: z.string(), field_schema: z.enum(["keyword", "integer"]) }).strict(),
  "PUT points": z
    .object({
      points: z.array(z.object({ id: PointId, vector: PointVector, payload: z.record(z.string(), z.unknown()) }).strict()).min(1),
    })
    .strict(),
  "POST points": z.object({ ids: z.array(PointId), with_payload: z.literal(true), with_vector: z.literal(false) }).strict(),
  "POST payload": z.object({ payload: z.record(z.string(), z.unknown()), points: z.array(PointId) }).strict(),
  "POST delete": z.object({ filter: Filter }).strict(),
  "POST groups": z
    .object({
      query: z.union([z.array(z.number()), Sparse, z.object({ fusion: z.literal("rrf") }).strict()]),
      using: z.literal("keywords").optional(),
      prefetch: z.array(Prefetch).min(2).optional(),
      group_by: z.string(),
      group_size: z.number().int(),
      limit: z.number().int(),
      with_payload: z.literal(true),
      filter: Filter.optional(),
    })
    .strict(),
  "POST count": z.object({ exact: z.literal(true), filter: Filter.optional() }).strict(),
  "POST facet": z.object({ key: z.string(), filter: Filter, limit: z.number().int(), exact: z.literal(true) }).strict(),
  "POST scroll": z
    .object({
      filter: Filter,
      limit: z.number().int(),
      with_payload: z.array(z.string()),
      with_vector: z.literal(false),
      offset: PointId.optional(),
    })
    .strict(),
};

/** Maps a request to the schema key above; undefined means "no such endpoint" (400). */
function route(method: string, path: string): { key: string; collection: string } | undefined {
  const m = /^\/collections\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const [, collection, rest = ""] = m;
  const keys: Record<string, string> = {
    "GET /exists": "GET exists",
    "GET ": "GET collection",
    "PUT ": "PUT collection",
    "DELETE ": "DELETE collection",
    "PUT /index": "PUT index",
    "PUT /points": "PUT points",
    "POST /points": "POST points",
    "POST /points/payload": "POST payload",
    "POST /points/delete": "POST delete",
    "POST /points/query/groups": "POST groups",
    "POST /points/count": "POST count",
    "POST /facet": "POST facet",
    "POST /points/scroll": "POST scroll",
  };
  const key = keys[`${method} ${rest}`];
  return key ? { key, collection: collection! } : undefined;
}

/** The request body fields the fake reads, after the route's schema accepted it. */
interface Body {
  points: { id: string | number; payload: Record<string, unknown> }[];
  ids: (string | number)[];
  payload: Record<string, unknown>;
  filter?: unknown;
  offset?: unknown;
}

const WRITES = new Set(["PUT index", "PUT points", "POST payload", "POST delete"]);

class FakeQdrant {
  readonly requests: Recorded[] = [];
  readonly collections = new Set<string>();
  /** Each collection's vector config, as created. */
  readonly configs = new Map<string, unknown>();
  readonly payloads = new Map<string, Record<string, unknown>>();
  /** Canned answers for reads, keyed by schema key; a function receives the request body. */
  readonly answers = new Map<string, (body: Body) => unknown>();
  private failures: { status: number; message: string }[] = [];
  private server!: Server;
  url = "";

  failNext(status: number, times: number, message = `injected ${status}`): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, message });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        const url = new URL(req.url!, "http://x");
        const body = raw ? JSON.parse(raw) : undefined;
        this.requests.push({ method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
        const reply = (status: number, result: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(status < 300 ? { result, status: "ok", time: 0.001 } : { status: { error: result }, time: 0.001 }));
        };
        const failure = this.failures.shift();
        if (failure) return reply(failure.status, failure.message);
        const hit = route(req.method!, url.pathname);
        if (!hit) return reply(400, `unexpected ${req.method} ${url.pathname}`);
        const schema = schemas[hit.key];
        const parsed = schema ? schema.safeParse(body) : { success: body === undefined, error: "unexpected body" };
        if (!parsed.success) return reply(400, `bad body for ${hit.key}: ${String(parsed.error)}`);
        if (WRITES.has(hit.key) && url.searchParams.get("wait") !== "true") return reply(400, "writes must wait=true");
        if (hit.key !== "PUT collection" && hit.key !== "GET exists" && !this.collections.has(hit.collection)) {
          return reply(404, `Collection ${hit.collection} not found`);
        }
        reply(200, this.handle(hit.key, hit.collection, body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(key: string, collection: string, body: Body): unknown {
    const done = { operation_id: this.requests.length, status: "completed" };
    switch (key) {
      case "GET exists":
        return { exists: this.collections.has(collection) };
      case "PUT collection":
        this.collections.add(collection);
        this.configs.set(collection, body);
        return true;
      case "GET collection":
        return { status: "green", config: { params: this.configs.get(collection) } };
      case "DELETE collection":
        return this.collections.delete(collection);
      case "PUT points":
        for (const p of body.points) this.payloads.set(`${collection}/${p.id}`, p.payload);
        return done;
      case "POST points":
        return body.ids.flatMap((id) => {
          const payload = this.payloads.get(`${collection}/${id}`);
          return payload ? [{ id, payload }] : [];
        });
      case "POST payload":
        for (const id of body.points) Object.assign(this.payloads.get(`${collection}/${id}`) ?? {}, body.payload);
        return done;
      case "PUT index":
      case "POST delete":
        return done;
      default: {
        const answer = this.answers.get(key);
        if (!answer) throw new Error(`no canned answer for ${key}`);
        return answer(body);
      }
    }
  }
}

describe("QdrantVectorStore protocol (against a strict fake Qdrant)", () => {
  const API_KEY = "secret-key-1234567890";
  const qdrant = new FakeQdrant();
  const storeFor = (extra: Partial<QdrantStoreOptions> = {}) =>
    new QdrantVectorStore({ url: qdrant.url, apiKey: API_KEY, collection: "kb", retryBaseDelayMs: 1, ...extra });
  const calls = () => qdrant.requests.map((r) => `${r.method} ${r.path}`);

  beforeAll(() => qdrant.start());
  afterAll(() => qdrant.stop());
  beforeEach(() => {
    // The client warns about an API key over plain http; expected here.
    vi.spyOn(console, "warn").mockImplementation(() => {});
    qdrant.requests.length = 0;
    qdrant.collections.clear();
    qdrant.payloads.clear();
    qdrant.answers.clear();
  });
  afterEach(() => vi.restoreAllMocks());

  async function created(): Promise<QdrantVectorStore> {
    const store = storeFor();
    await store.ensureCollection({ model: "m1", dimension: 8 });
    qdrant.requests.length = 0;
    return store;
  }

  it("records the meta first, then creates a cosine collection with payload indexes", async () => {
    await storeFor().ensureCollection({ model: "m1", dimension: 8 });
    expect(calls()).toEqual([
      "GET /collections/kb/exists",
      "POST /collections/kb__meta/points",
      "GET /collections/kb__meta/exists",
      "PUT /collections/kb__meta",
      "PUT /collections/kb__meta/points",
      "PUT /collections/kb",
      "PUT /collections/kb/index",
      "PUT /collections/kb/index",
      "PUT /collections/kb/index",
    ]);
    const body = (path: string) => qdrant.requests.filter((r) => r.path === path).map((r) => r.body);
    expect(body("/collections/kb")).toEqual([
      { vectors: { size: 8, distance: "Cosine" }, sparse_vectors: { keywords: { modifier: "idf" } } },
    ]);
    expect(body("/collections/kb/index")).toEqual([
      { field_name: "path", field_schema: "keyword" },
      { field_name: "categories", field_schema: "keyword" },
      { field_name: "chunkIndex", field_schema: "integer" },
    ]);
    expect(qdrant.payloads.get("kb__meta/1")).toMatchObject({ model: "m1", dimension: 8 });

    const other = storeFor().ensureCollection({ model: "m2", dimension: 8 });
    await expect(other).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await expect(other).rejects.toThrow(/"m1" \(8 dims\)[\s\S]*"m2" \(8 dims\)/);
  });

  it("rebuilds a collection made before keyword search, which has no sparse vector to write to", async () => {
    await storeFor().ensureCollection({ model: "m1", dimension: 8 });
    qdrant.configs.set("kb", { vectors: { size: 8, distance: "Cosine" } });
    qdrant.requests.length = 0;
    await storeFor().ensureCollection({ model: "m1", dimension: 8 });
    expect(calls()).toEqual([
      "GET /collections/kb/exists",
      "POST /collections/kb__meta/points",
      "GET /collections/kb",
      "DELETE /collections/kb",
      "PUT /collections/kb",
      "PUT /collections/kb/index",
      "PUT /collections/kb/index",
      "PUT /collections/kb/index",
    ]);
    expect(qdrant.configs.get("kb")).toEqual({ vectors: { size: 8, distance: "Cosine" }, sparse_vectors: { keywords: { modifier: "idf" } } });
    // A current collection is left alone.
    qdrant.requests.length = 0;
    await storeFor().ensureCollection({ model: "m1", dimension: 8 });
    expect(calls()).toEqual(["GET /collections/kb/exists", "POST /collections/kb__meta/points", "GET /collections/kb"]);
  });

  it("upserts in batches of at most the batch size, waiting for each", async () => {
    const store = await created();
    const points = Array.from({ length: 600 }, (_, i) => chunk(`a${i}.md`, 0, vec(1, i)));
    await store.upsert(points);
    const upserts = qdrant.requests.filter((r) => r.path === "/collections/kb/points");
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([256, 256, 88]);
    expect(upserts.every((r) => r.method === "PUT" && r.query.wait === "true")).toBe(true);
    const first = (upserts[0]!.body as { points: { id: unknown; vector: unknown; payload: unknown }[] }).points[0]!;
    expect(first).toEqual({
      id: points[0]!.id,
      vector: { "": [1, 0, 0, 0, 0, 0, 0, 0], keywords: documentSparseVector(points[0]!.payload.text) },
      payload: points[0]!.payload,
    });
    // "chunk 0 of a0.md": chunk, 0, a0, md ("of" is a stop word; a0's one-character parts are dropped).
    expect((first.vector as { keywords: { indices: number[] } }).keywords.indices).toEqual(
      ["chunk", "0", "a0", "md"].map(termIndex),
    );
  });

  it("refuses zero vectors before sending anything, as the embedded store does", async () => {
    const store = await created();
    const zero = chunk("z.md", 1, vec(), { chunkCount: 2 });
    await expect(store.upsert([chunk("a.md", 0, vec(1)), zero])).rejects.toThrow(
      new RangeError(`cannot normalise point ${zero.id} (z.md#1): its norm is 0, and a zero or non-finite vector has no direction`),
    );
    await expect(store.searchArticles(vec(), { limit: 3 })).rejects.toBeInstanceOf(RangeError);
    expect(qdrant.requests).toEqual([]);
  });

  it("searches with groups by path, one hit each, filtering the category inside Qdrant", async () => {
    const store = await created();
    const a = chunk("a.md", 2, vec(1), { categories: ["rare"] });
    const b = chunk("b.md", 0, vec(0, 1), { categories: ["rare"] });
    qdrant.answers.set("POST groups", () => ({
      groups: [
        { id: "b.md", hits: [{ id: b.id, version: 1, score: 0.5, payload: b.payload }] },
        { id: "a.md", hits: [{ id: a.id, version: 3, score: 0.9, payload: a.payload }] },
      ],
    }));
    const hits = await store.searchArticles(vec(1, 2), { limit: 3, category: "rare" });
    expect(hits).toEqual([
      { id: a.id, score: 0.9, payload: a.payload },
      { id: b.id, score: 0.5, payload: b.payload },
    ]);
    const search = qdrant.requests.find((r) => r.path === "/collections/kb/points/query/groups")!;
    expect(search.body).toEqual({
      query: [1, 2, 0, 0, 0, 0, 0, 0],
      group_by: "path",
      group_size: 1,
      limit: 3,
      with_payload: true,
      filter: { must: [{ key: "categories", match: { value: "rare" } }] },
    });
  });

  it("keyword search queries the sparse `keywords` vector with the query's terms, grouped and filtered the same way", async () => {
    const store = await created();
    const a = chunk("a.md", 1, vec(1), { categories: ["execution"] });
    qdrant.answers.set("POST groups", () => ({ groups: [{ id: "a.md", hits: [{ id: a.id, version: 1, score: 7.5, payload: a.payload }] }] }));
    const hits = await store.searchKeywords("ORDER_FILLING_FOK error", { limit: 2, category: "execution" });
    expect(hits).toEqual([{ id: a.id, score: 7.5, payload: a.payload }]);
    const search = qdrant.requests.find((r) => r.path === "/collections/kb/points/query/groups")!;
    expect(search.body).toEqual({
      query: querySparseVector("ORDER_FILLING_FOK error"),
      using: "keywords",
      group_by: "path",
      group_size: 1,
      limit: 2,
      with_payload: true,
      filter: { must: [{ key: "categories", match: { value: "execution" } }] },
    });
    expect((search.body as { query: { indices: number[] } }).query.indices).toEqual(
      ["order_filling_fok", "order", "filling", "fok", "error"].map(termIndex),
    );
    // A query with no terms at all (only stop words) asks Qdrant nothing.
    qdrant.requests.length = 0;
    expect(await store.searchKeywords("what is the", { limit: 2 })).toEqual([]);
    expect(qdrant.requests).toEqual([]);
  });

  it("hybrid search is one request: dense and sparse prefetches, each filtered, fused by RRF, grouped by path", async () => {
    const store = await created();
    const a = chunk("a.md", 0, vec(1));
    qdrant.answers.set("POST groups", () => ({ groups: [{ id: "a.md", hits: [{ id: a.id, version: 1, score: 0.5, payload: a.payload }] }] }));
    const hits = await store.searchHybrid(vec(0, 1), "OrderSend retcode", { limit: 5, category: "execution" });
    expect(hits).toEqual([{ id: a.id, score: 0.5, payload: a.payload }]);
    const filter = { must: [{ key: "categories", match: { value: "execution" } }] };
    const groups = qdrant.requests.filter((r) => r.path === "/collections/kb/points/query/groups");
    expect(groups).toHaveLength(1);
    expect(groups[0]!.body).toEqual({
      prefetch: [
        { query: [0, 1, 0, 0, 0, 0, 0, 0], limit: 100, filter },
        { query: querySparseVector("OrderSend retcode"), using: "keywords", limit: 100, filter },
      ],
      query: { fusion: "rrf" },
      group_by: "path",
      group_size: 1,
      limit: 5,
      with_payload: true,
      filter,
    });
    await expect(store.searchHybrid(new Float32Array([1, 2, 3]), "x", { limit: 1 })).rejects.toBeInstanceOf(EmbeddingMismatchError);
  });

  it("says a collection from before hybrid search has no keyword index instead of a bare 400", async () => {
    const store = await created();
    qdrant.failNext(400, 1, "Wrong input: Not existing vector name error: keywords");
    const refused = store.searchKeywords("OrderSend", { limit: 1 });
    await expect(refused).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await expect(refused).rejects.toThrow(/has no keyword index[\s\S]*mode "vector"/);
    // Any other 400 stays what it is.
    qdrant.failNext(400, 1, "Bad request: something else");
    await expect(store.searchKeywords("OrderSend", { limit: 1 })).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it("deletes articles and stale chunks by filter", async () => {
    const store = await created();
    await store.deleteArticles(["a.md", "b.md"]);
    await store.deleteChunksFrom("c.md", 3);
    expect(qdrant.requests.map((r) => [r.path, r.query.wait, r.body])).toEqual([
      ["/collections/kb/points/delete", "true", { filter: { must: [{ key: "path", match: { any: ["a.md", "b.md"] } }] } }],
      [
        "/collections/kb/points/delete",
        "true",
        { filter: { must: [{ key: "path", match: { value: "c.md" } }, { key: "chunkIndex", range: { gte: 3 } }] } },
      ],
    ]);
  });

  it("reads stats by exact count, articles by scrolling chunk 0 and categories by facet", async () => {
    const store = await created();
    const chunk0 = { must: [{ key: "chunkIndex", match: { value: 0 } }] };
    qdrant.answers.set("POST count", (body) => ({ count: body.filter ? 2 : 7 }));
    qdrant.answers.set("POST scroll", (body) => {
      expect(body).toMatchObject({ filter: chunk0, with_payload: ["path", "contentHash", "chunkCount"], with_vector: false });
      const page = body.offset === undefined ? 0 : 1;
      const payload = { path: `p${page}.md`, contentHash: `h${page}`, chunkCount: page + 1 };
      return { points: [{ id: randomUUID(), payload }], next_page_offset: page === 0 ? "00000000-0000-4000-8000-000000000001" : null };
    });
    qdrant.answers.set("POST facet", (body) => {
      expect(body).toEqual({ key: "categories", filter: chunk0, limit: 10_000, exact: true });
      return { hits: [{ value: "z", count: 1 }, { value: "x", count: 3 }, { value: "a", count: 1 }] };
    });
    await store.markIndexed(new Date("2025-02-03T04:05:06.000Z"));
    expect(await store.stats()).toEqual({ points: 7, articles: 2, lastIndexedAt: "2025-02-03T04:05:06.000Z" });
    expect(await store.indexedArticles()).toEqual(
      new Map([
        ["p0.md", { contentHash: "h0", chunkCount: 1 }],
        ["p1.md", { contentHash: "h1", chunkCount: 2 }],
      ]),
    );
    expect(await store.listCategories()).toEqual([
      { category: "x", articles: 3 },
      { category: "a", articles: 1 },
      { category: "z", articles: 1 },
    ]);
    expect(qdrant.requests.every((r) => r.headers["api-key"] === API_KEY)).toBe(true);
  });

  it("retries a 503 and then succeeds", async () => {
    const store = await created();
    qdrant.answers.set("POST count", () => ({ count: 4 }));
    qdrant.failNext(503, 2);
    expect((await store.stats()).points).toBe(4);
    expect(calls().slice(0, 3)).toEqual(Array(3).fill("POST /collections/kb/points/count"));
  });

  it("turns persistent 500s into BackendUnavailableError naming QDRANT_URL but not the key", async () => {
    const store = await created();
    qdrant.failNext(500, 4);
    const error = await store.upsert([chunk("a.md", 0, vec(1))]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toContain(`Qdrant at ${qdrant.url} (QDRANT_URL) failed to upsert 1 points after 4 attempts: HTTP 500`);
    expect((error as Error).message).not.toContain(API_KEY);
    expect(calls()).toEqual(Array(4).fill("PUT /collections/kb/points"));
  });

  it("does not retry a 400", async () => {
    const store = await created();
    qdrant.failNext(400, 1);
    await expect(store.deleteArticles(["a.md"])).rejects.toThrow(/failed to delete 1 articles: HTTP 400/);
    expect(qdrant.requests).toHaveLength(1);
  });

  it("retries a refused connection, then reports it", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const store = new QdrantVectorStore({ url: `http://127.0.0.1:${port}`, collection: "kb", retryBaseDelayMs: 1 });
    await expect(store.stats()).rejects.toThrow(/QDRANT_URL\) failed to count points after 4 attempts: .*ECONNREFUSED/);
  });
});
