/**
 * The behavioural contract of VectorStore, run against every backend. Vectors are 8-dim and built
 * by hand so every expected order and score below is worked out from the geometry, not recorded.
 */
import { pointId } from "../../../services/kb/point-id.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddingMismatchError } from "../../../services/kb/errors.js";
import type { ChunkPayload, StoredPoint, VectorStore } from "../../../services/kb/stores/vector-store.js";

/** What a backend's test file hands the suite for each test. */
export interface SuiteHandle {
  store: VectorStore;
  /** Opens the same collection again (after the suite closed `store`); omit if impossible. */
  reopen?: () => Promise<VectorStore>;
  cleanup: () => Promise<void>;
}

const DIM = 8;
const META = { model: "suite-model", dimension: DIM };

/** An 8-dim vector from its leading components. */
export function vec(...values: number[]): Float32Array {
  const out = new Float32Array(DIM);
  out.set(values);
  return out;
}

interface ChunkOptions {
  chunkCount?: number;
  categories?: string[];
  contentHash?: string;
  title?: string;
  /** Chunk text; default `chunk <i> of <path>`. */
  text?: string;
}

export function chunk(path: string, chunkIndex: number, vector: Float32Array, options: ChunkOptions = {}): StoredPoint {
  const payload: ChunkPayload = {
    path,
    chunkIndex,
    chunkCount: options.chunkCount ?? 1,
    title: options.title ?? `Title of ${path}`,
    url: `https://example.test/${path}`,
    categories: options.categories ?? [],
    relevanceScore: 0.5,
    text: options.text ?? `chunk ${chunkIndex} of ${path}`,
    contentHash: options.contentHash ?? `hash-${path}`,
  };
  return { id: pointId(path, chunkIndex), vector, payload };
}

/** All chunks of one article, sharing chunkCount, categories and hash. */
function article(path: string, vectors: Float32Array[], options: Omit<ChunkOptions, "chunkCount"> = {}): StoredPoint[] {
  return vectors.map((v, i) => chunk(path, i, v, { ...options, chunkCount: vectors.length }));
}

const paths = (hits: { payload: ChunkPayload }[]) => hits.map((h) => h.payload.path);

export function describeVectorStoreSuite(name: string, open: () => Promise<SuiteHandle>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let handle: SuiteHandle;
    let store: VectorStore;

    beforeEach(async () => {
      handle = await open();
      store = handle.store;
    });
    afterEach(async () => {
      await store.close();
      await handle.cleanup();
    });

    /** Closes and reopens when the backend can; otherwise keeps using the same store. */
    async function reopenIfPossible(): Promise<VectorStore> {
      if (!handle.reopen) return store;
      await store.close();
      store = await handle.reopen();
      return store;
    }

    it("records the meta on first ensureCollection and accepts the same meta later", async () => {
      expect(await store.getCollectionMeta()).toBeUndefined();
      await store.ensureCollection(META);
      expect(await store.getCollectionMeta()).toEqual(META);
      const again = await reopenIfPossible();
      await again.ensureCollection({ ...META });
      expect(await again.getCollectionMeta()).toEqual(META);
    });

    it("refuses another model or dimension with a message naming both", async () => {
      await store.ensureCollection(META);
      const again = await reopenIfPossible();
      const otherModel = again.ensureCollection({ model: "other-model", dimension: DIM });
      await expect(otherModel).rejects.toBeInstanceOf(EmbeddingMismatchError);
      await expect(otherModel).rejects.toThrow(/suite-model[\s\S]*other-model[\s\S]*KB_COLLECTION/);
      const otherDim = again.ensureCollection({ model: "suite-model", dimension: 16 });
      await expect(otherDim).rejects.toBeInstanceOf(EmbeddingMismatchError);
      await expect(otherDim).rejects.toThrow(/\b8\b[\s\S]*\b16\b/);
      expect(await again.getCollectionMeta()).toEqual(META);
    });

    it("returns nothing from an empty collection", async () => {
      await store.ensureCollection(META);
      expect(await store.searchArticles(vec(1), { limit: 5 })).toEqual([]);
      expect(await store.stats()).toEqual({ points: 0, articles: 0 });
      expect(await store.listCategories()).toEqual([]);
      expect(await store.indexedArticles()).toEqual(new Map());
    });

    it("finds the nearest article first, with cosine scores (1 for the same direction)", async () => {
      await store.ensureCollection(META);
      const points = [chunk("d.md", 0, vec(-1)), chunk("b.md", 0, vec(1, 1)), chunk("a.md", 0, vec(1)), chunk("c.md", 0, vec(0, 1))];
      await store.upsert(points);
      // Query 3*e1: cos with e1 = 1, with e1+e2 = 1/sqrt2, with e2 = 0, with -e1 = -1.
      const hits = await store.searchArticles(vec(3), { limit: 4 });
      expect(paths(hits)).toEqual(["a.md", "b.md", "c.md", "d.md"]);
      [1, Math.SQRT1_2, 0, -1].forEach((score, i) => expect(hits[i]!.score).toBeCloseTo(score, 5));
      expect(hits[0]!.id).toBe(pointId("a.md", 0));
      expect(hits[0]!.payload).toEqual(points[2]!.payload);
    });

    it("returns one hit per article, carrying its best chunk", async () => {
      await store.ensureCollection(META);
      // All five chunks of many.md beat every other article; chunk 3 is exactly the query.
      await store.upsert([
        ...article("many.md", [vec(1, 0, 0.3), vec(1, 0, 0.2), vec(1, 0, 0.1), vec(1), vec(1, 0, -0.15)]),
        chunk("b.md", 0, vec(1, 0.5)), // cos 0.894
        chunk("c.md", 0, vec(1, 1)), // cos 0.707
        chunk("d.md", 0, vec(0, 1)), // cos 0
      ]);
      const hits = await store.searchArticles(vec(1), { limit: 3 });
      expect(paths(hits)).toEqual(["many.md", "b.md", "c.md"]);
      expect(hits[0]!.payload.chunkIndex).toBe(3);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      expect(hits[1]!.score).toBeCloseTo(1 / Math.sqrt(1.25), 5);
      expect(paths(await store.searchArticles(vec(1), { limit: 10 }))).toEqual(["many.md", "b.md", "c.md", "d.md"]);
    });

    it("applies the category filter in the store: `limit` matches come back even when far away", async () => {
      await store.ensureCollection(META);
      // 20 general articles crowd the query's neighbourhood; the rare ones point elsewhere.
      const near = Array.from({ length: 20 }, (_, i) =>
        chunk(`near-${String(i).padStart(2, "0")}.md`, 0, vec(1, 0.01 * i), { categories: ["general"] }),
      );
      await store.upsert([
        ...near,
        chunk("rare-1.md", 0, vec(0, 1), { categories: ["rare"] }), // cos 0
        chunk("rare-2.md", 0, vec(-1, 1), { categories: ["rare", "general"] }), // cos -0.707
        ...article("rare-3.md", [vec(-1, 0, 2), vec(-1)], { categories: ["rare"] }), // best chunk 0: cos -0.447
      ]);
      const rare = await store.searchArticles(vec(1), { limit: 3, category: "rare" });
      expect(paths(rare)).toEqual(["rare-1.md", "rare-3.md", "rare-2.md"]);
      expect(rare.every((h) => h.payload.categories.includes("rare"))).toBe(true);
      expect(rare[1]!.payload.chunkIndex).toBe(0);
      expect(rare[1]!.score).toBeCloseTo(-1 / Math.sqrt(5), 5);
      expect(paths(await store.searchArticles(vec(1), { limit: 2, category: "rare" }))).toEqual(["rare-1.md", "rare-3.md"]);
      expect(paths(await store.searchArticles(vec(1), { limit: 3, category: "general" }))).toEqual([
        "near-00.md",
        "near-01.md",
        "near-02.md",
      ]);
      expect(await store.searchArticles(vec(1), { limit: 3, category: "absent" })).toEqual([]);
    });

    it("deleteChunksFrom and deleteArticles remove exactly the right points", async () => {
      await store.ensureCollection(META);
      await store.upsert([
        ...article("a.md", [vec(0, 0, 1), vec(0, 0, 1, 1), vec(0, 0, 0, 1), vec(0, 0, 0, 1, 1)]),
        ...article("b.md", [vec(0, 1), vec(0, 1, 0, 0, 0, 1), vec(0, 1, 0, 0, 0, 0, 1)]),
        chunk("c.md", 0, vec(1)),
      ]);
      expect(await store.stats()).toEqual({ points: 8, articles: 3 });
      const e4 = vec(0, 0, 0, 1);
      expect((await store.searchArticles(e4, { limit: 1 }))[0]!.payload.chunkIndex).toBe(2);

      await store.deleteChunksFrom("a.md", 2);
      await store.deleteChunksFrom("b.md", 5); // nothing at or past 5
      expect(await store.stats()).toEqual({ points: 6, articles: 3 });
      const [best] = await store.searchArticles(e4, { limit: 1 });
      // Chunks 2 and 3 are gone; chunk 1 (e3+e4) is now a.md's best at 1/sqrt2.
      expect(best!.payload).toMatchObject({ path: "a.md", chunkIndex: 1 });
      expect(best!.score).toBeCloseTo(Math.SQRT1_2, 5);

      await store.deleteArticles(["b.md", "missing.md"]);
      expect(await store.stats()).toEqual({ points: 3, articles: 2 });
      expect(paths(await store.searchArticles(vec(0, 1), { limit: 10 })).sort()).toEqual(["a.md", "c.md"]);
      expect([...(await store.indexedArticles()).keys()].sort()).toEqual(["a.md", "c.md"]);
    });

    it("upsert with an existing id replaces payload and vector", async () => {
      await store.ensureCollection(META);
      await store.upsert([chunk("a.md", 0, vec(1), { categories: ["old"], title: "Old", contentHash: "h1" })]);
      await store.upsert([chunk("a.md", 0, vec(0, 1), { categories: ["new"], title: "New", contentHash: "h2" })]);
      expect(await store.stats()).toEqual({ points: 1, articles: 1 });
      const [hit] = await store.searchArticles(vec(0, 1), { limit: 1 });
      expect(hit!.score).toBeCloseTo(1, 5);
      expect(hit!.payload.title).toBe("New");
      expect((await store.searchArticles(vec(1), { limit: 1 }))[0]!.score).toBeCloseTo(0, 5);
      expect(await store.searchArticles(vec(0, 1), { limit: 1, category: "old" })).toEqual([]);
      expect(await store.listCategories()).toEqual([{ category: "new", articles: 1 }]);
      expect(await store.indexedArticles()).toEqual(new Map([["a.md", { contentHash: "h2", chunkCount: 1 }]]));
    });

    it("indexedArticles reports each article's content hash and chunk count", async () => {
      await store.ensureCollection(META);
      await store.upsert([
        ...article("a.md", [vec(1), vec(1, 1), vec(1, 0, 1)], { contentHash: "ha" }),
        chunk("dir/b.md", 0, vec(0, 1), { contentHash: "hb" }),
      ]);
      expect(await store.indexedArticles()).toEqual(
        new Map([
          ["a.md", { contentHash: "ha", chunkCount: 3 }],
          ["dir/b.md", { contentHash: "hb", chunkCount: 1 }],
        ]),
      );
    });

    it("listCategories counts articles, not chunks, most first then by name", async () => {
      await store.ensureCollection(META);
      await store.upsert([
        ...article("a.md", [vec(1), vec(1, 1), vec(1, 2)], { categories: ["x", "y"] }),
        ...article("b.md", [vec(0, 1), vec(0, 1, 1)], { categories: ["x"] }),
        chunk("e.md", 0, vec(0, 0, 1), { categories: ["x"] }),
        chunk("d.md", 0, vec(0, 0, 0, 1), { categories: ["y"] }),
        ...article("c.md", [vec(0, 0, 0, 0, 1), vec(0, 0, 0, 0, 1, 1), vec(0, 0, 0, 0, 1, 2), vec(0, 0, 0, 0, 1, 3)], { categories: ["z"] }),
        chunk("f.md", 0, vec(0, 0, 0, 0, 0, 0, 1), { categories: ["w"] }),
      ]);
      // Chunk counts would be x 6, y 4, z 4, w 1.
      expect(await store.listCategories()).toEqual([
        { category: "x", articles: 3 },
        { category: "y", articles: 2 },
        { category: "w", articles: 1 },
        { category: "z", articles: 1 },
      ]);
    });

    it("markIndexed records lastIndexedAt, and it persists", async () => {
      await store.ensureCollection(META);
      expect((await store.stats()).lastIndexedAt).toBeUndefined();
      await store.markIndexed(new Date("2025-01-02T03:04:05.000Z"));
      expect((await store.stats()).lastIndexedAt).toBe("2025-01-02T03:04:05.000Z");
      const again = await reopenIfPossible();
      expect((await again.stats()).lastIndexedAt).toBe("2025-01-02T03:04:05.000Z");
    });

    it("keeps every point, payload and category across close and reopen", async (ctx) => {
      if (!handle.reopen) ctx.skip();
      await store.ensureCollection(META);
      await store.upsert([
        ...article("a.md", [vec(1), vec(1, 1)], { categories: ["x"], contentHash: "ha" }),
        chunk("b.md", 0, vec(0, 1), { categories: ["y"], contentHash: "hb" }),
        chunk("c.md", 0, vec(-1, 0, 1), { categories: ["x"] }),
      ]);
      const before = await store.searchArticles(vec(1, 0.2), { limit: 3 });
      const again = await reopenIfPossible();
      expect(await again.getCollectionMeta()).toEqual(META);
      expect(await again.stats()).toEqual({ points: 4, articles: 3 });
      const after = await again.searchArticles(vec(1, 0.2), { limit: 3 });
      expect(after.map((h) => [h.id, h.payload])).toEqual(before.map((h) => [h.id, h.payload]));
      after.forEach((h, i) => expect(h.score).toBeCloseTo(before[i]!.score, 5));
      expect(await again.listCategories()).toEqual([
        { category: "x", articles: 2 },
        { category: "y", articles: 1 },
      ]);
      expect(await again.indexedArticles()).toEqual(
        new Map([
          ["a.md", { contentHash: "ha", chunkCount: 2 }],
          ["b.md", { contentHash: "hb", chunkCount: 1 }],
          ["c.md", { contentHash: "hash-c.md", chunkCount: 1 }],
        ]),
      );
      // Still writable after reopening.
      await again.deleteArticles(["a.md"]);
      expect(paths(await again.searchArticles(vec(1), { limit: 3 })).sort()).toEqual(["b.md", "c.md"]);
    });

    it("refuses a vector of the wrong dimension and applies nothing of that batch", async () => {
      await store.ensureCollection(META);
      const bad = { ...chunk("bad.md", 0, vec(1)), vector: new Float32Array([1, 0, 0, 0]) };
      const write = store.upsert([chunk("ok.md", 0, vec(1)), bad]);
      await expect(write).rejects.toBeInstanceOf(EmbeddingMismatchError);
      await expect(write).rejects.toThrow(/\b4\b[\s\S]*\b8\b/);
      expect(await store.stats()).toEqual({ points: 0, articles: 0 });
    });

    it("refuses a zero or non-finite vector, naming the point, and applies nothing of that batch", async () => {
      await store.ensureCollection(META);
      for (const vector of [vec(), vec(1, Number.NaN), vec(Number.POSITIVE_INFINITY)]) {
        const bad = chunk("bad.md", 3, vector, { chunkCount: 4 });
        const write = store.upsert([chunk("ok.md", 0, vec(1)), bad]);
        await expect(write).rejects.toBeInstanceOf(RangeError);
        await expect(write).rejects.toThrow(`point ${bad.id} (bad.md#3)`);
      }
      expect(await store.stats()).toEqual({ points: 0, articles: 0 });
    });

    it("refuses a zero query vector instead of scoring everything 0", async () => {
      await store.ensureCollection(META);
      await store.upsert([chunk("a.md", 0, vec(1))]);
      await expect(store.searchArticles(vec(), { limit: 1 })).rejects.toThrow(/query vector[\s\S]*no direction/);
    });

    describe("keyword and hybrid search", () => {
      const texts = {
        "fok.md": "Set ORDER_FILLING_FOK when the symbol allows fill or kill only.",
        "send.md": "OrderSend sends a trade request to the server and waits for the reply.",
        "retcode.md": "Retcode 10030 means the filling type is not supported by the symbol.",
        "ma.md": "Moving averages smooth the price series over a window.",
      };

      async function seedTexts(): Promise<void> {
        await store.ensureCollection(META);
        await store.upsert([
          chunk("fok.md", 0, vec(1), { text: texts["fok.md"], categories: ["execution"], title: "Fill policy" }),
          chunk("send.md", 0, vec(0, 1), { text: texts["send.md"], categories: ["execution"], title: "Requests" }),
          chunk("retcode.md", 0, vec(0, 0, 1), { text: texts["retcode.md"], categories: ["errors"], title: "Retcodes" }),
          chunk("ma.md", 0, vec(0, 0, 0, 1), { text: texts["ma.md"], categories: ["indicators"], title: "Averages" }),
        ]);
      }

      it("finds identifiers and error codes exactly, and identifier parts as words", async () => {
        await seedTexts();
        // The whole identifier ranks its article first; its parts ("order", "filling") also match others, lower.
        expect(paths(await store.searchKeywords("ORDER_FILLING_FOK", { limit: 3 }))[0]).toBe("fok.md");
        expect(paths(await store.searchKeywords("OrderSend", { limit: 3 }))[0]).toBe("send.md");
        expect(paths(await store.searchKeywords("error 10030", { limit: 3 }))).toEqual(["retcode.md"]);
        // "order send" matches OrderSend's parts; "filling" matches both the identifier's part and the word.
        expect(paths(await store.searchKeywords("order send", { limit: 3 }))[0]).toBe("send.md");
        expect(paths(await store.searchKeywords("filling", { limit: 3 })).sort()).toEqual(["fok.md", "retcode.md"]);
        // Articles matching no term are not returned, and a query of stop words alone matches nothing.
        expect(await store.searchKeywords("volatility", { limit: 3 })).toEqual([]);
        expect(await store.searchKeywords("what is the", { limit: 3 })).toEqual([]);
      });

      it("keyword search filters by category in the store and returns one hit per article, its best chunk", async () => {
        await seedTexts();
        expect(paths(await store.searchKeywords("symbol", { limit: 5, category: "errors" }))).toEqual(["retcode.md"]);
        expect(await store.searchKeywords("symbol", { limit: 5, category: "nope" })).toEqual([]);
        const twice = [
          chunk("long.md", 0, vec(1), { chunkCount: 2, text: "CopyBuffer once, among many other words about indicator handles" }),
          chunk("long.md", 1, vec(1), { chunkCount: 2, text: "CopyBuffer CopyBuffer" }),
        ];
        await store.upsert(twice);
        const hits = await store.searchKeywords("CopyBuffer", { limit: 5 });
        expect(hits.map((h) => [h.payload.path, h.payload.chunkIndex])).toEqual([["long.md", 1]]);
        expect(hits[0]!.score).toBeGreaterThan(0);
      });

      it("keeps the keyword index in step with upserts and deletes, and across reopen", async () => {
        await seedTexts();
        await store.upsert([chunk("send.md", 0, vec(0, 1), { text: "PositionClose closes a position.", categories: ["execution"], title: "Closing" })]);
        expect(paths(await store.searchKeywords("OrderSend", { limit: 3 }))).toEqual(["fok.md"]); // its part "order"
        expect(paths(await store.searchKeywords("PositionClose", { limit: 3 }))).toEqual(["send.md"]);
        await store.deleteArticles(["fok.md"]);
        expect(paths(await store.searchKeywords("ORDER_FILLING_FOK", { limit: 3 }))).toEqual(["retcode.md"]);
        const reopened = await reopenIfPossible();
        expect(paths(await reopened.searchKeywords("PositionClose", { limit: 3 }))).toEqual(["send.md"]);
        expect(paths(await reopened.searchKeywords("10030", { limit: 3 }))).toEqual(["retcode.md"]);
        expect(paths(await reopened.searchKeywords("ORDER_FILLING_FOK fok", { limit: 3 }))).toEqual(["retcode.md"]);
      });

      it("hybrid search fuses both rankings: found by both first, a keyword-only match above vector-only ones", async () => {
        await store.ensureCollection(META);
        // Vector ranking for vec(1): a, c, d, b. Keyword ranking for "OrderSend": c (twice, short), b.
        await store.upsert([
          chunk("a.md", 0, vec(1), { text: "Moving averages and crossovers." }),
          chunk("c.md", 0, vec(1, 0.5), { text: "OrderSend OrderSend" }),
          chunk("d.md", 0, vec(1, 1), { text: "Bollinger bands and volatility squeezes." }),
          chunk("b.md", 0, vec(0, 1), { text: "OrderSend sends a trade request to the server and waits for the reply." }),
        ]);
        expect(paths(await store.searchHybrid(vec(1), "OrderSend", { limit: 4 }))).toEqual(["c.md", "b.md", "a.md", "d.md"]);
        const top = await store.searchHybrid(vec(1), "OrderSend", { limit: 2 });
        expect(paths(top)).toEqual(["c.md", "b.md"]);
        expect(top[0]!.score).toBeGreaterThan(top[1]!.score);
        // With no keyword match hybrid is the vector ranking.
        expect(paths(await store.searchHybrid(vec(1), "volatility", { limit: 2 }))[0]).toBe("d.md");
      });

      it("hybrid search applies the category filter and one hit per article", async () => {
        await seedTexts();
        await store.upsert([chunk("fok.md", 1, vec(1), { chunkCount: 2, text: "More on ORDER_FILLING_FOK", categories: ["execution"] })]);
        const hits = await store.searchHybrid(vec(1), "ORDER_FILLING_FOK symbol", { limit: 5, category: "execution" });
        expect(paths(hits).sort()).toEqual(["fok.md", "send.md"]);
        expect(paths(hits)[0]).toBe("fok.md");
        expect(await store.searchHybrid(vec(1), "symbol", { limit: 5, category: "nope" })).toEqual([]);
        await expect(store.searchHybrid(new Float32Array(3).fill(1), "x", { limit: 1 })).rejects.toBeInstanceOf(EmbeddingMismatchError);
      });
    });
  });
}
