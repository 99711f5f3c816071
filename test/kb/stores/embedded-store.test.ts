import MiniSearch from "minisearch";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CollectionMissingError,
  EmbeddingMismatchError,
  StoreCorruptError,
  StoreLockedError,
} from "../../../services/kb/errors.js";
import { ConfigError } from "../../../services/shared/errors.js";
import { EmbeddedVectorStore, openEmbeddedStore, type EmbeddedStoreOptions } from "../../../services/kb/stores/embedded-store.js";
import { HnswIndex } from "../../../services/kb/stores/hnsw-index.js";
import type { StoredPoint } from "../../../services/kb/stores/vector-store.js";
import { chunk, describeVectorStoreSuite, vec } from "./vector-store-suite.js";

async function tempHandle(extra: Partial<EmbeddedStoreOptions>) {
  const dir = await mkdtemp(join(tmpdir(), "qm-embedded-"));
  const options = { dir, collection: "suite", onWarning: () => {}, ...extra };
  return {
    store: await openEmbeddedStore(options),
    reopen: () => openEmbeddedStore(options),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

// Once with the default threshold (tiny sets are scored exactly), once forcing every search through HNSW.
describeVectorStoreSuite("embedded, exact scoring", () => tempHandle({}));
describeVectorStoreSuite("embedded, HNSW", () => tempHandle({ exactSearchThreshold: 0 }));

/** A pid no process has: above Linux's largest pid_max (2^22), checked anyway. */
function deadPid(): number {
  for (let pid = 2 ** 22 + 12345; ; pid++) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return pid;
    }
  }
}

/** mulberry32: a seeded PRNG so the random data sets are the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIM = 64;
const META = { model: "random", dimension: DIM };

function randomVector(next: () => number): Float32Array {
  return Float32Array.from({ length: DIM }, () => next() * 2 - 1);
}

/** 3,000 one-chunk articles; every 10th in "small", 60% in "big". */
function randomPoints(count: number, seed: number): StoredPoint[] {
  const next = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const categories = [...(i % 10 === 0 ? ["small"] : []), ...(i % 5 < 3 ? ["big"] : [])];
    const point = chunk(`p${i}.md`, 0, randomVector(next), { categories });
    return point;
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

function bruteForce(points: StoredPoint[], query: Float32Array, limit: number, category?: string): string[] {
  return points
    .filter((p) => category === undefined || p.payload.categories.includes(category))
    .map((p) => ({ path: p.payload.path, score: cosine(query, p.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((p) => p.path);
}

async function recallAt10(store: EmbeddedVectorStore, points: StoredPoint[], category?: string): Promise<number> {
  const next = rng(99);
  let found = 0, wanted = 0;
  for (let q = 0; q < 40; q++) {
    const query = randomVector(next);
    const truth = bruteForce(points, query, 10, category);
    const hits = await store.searchArticles(query, { limit: 10, ...(category ? { category } : {}) });
    expect(hits).toHaveLength(10);
    if (category) expect(hits.every((h) => h.payload.categories.includes(category))).toBe(true);
    for (const h of hits) expect(h.score).toBeCloseTo(cosine(query, points.find((p) => p.id === h.id)!.vector), 4);
    found += hits.filter((h) => truth.includes(h.payload.path)).length;
    wanted += truth.length;
  }
  return found / wanted;
}

describe("EmbeddedVectorStore (embedded only)", () => {
  let dir: string;
  const warnings: string[] = [];
  const open = (extra: Partial<EmbeddedStoreOptions> = {}) =>
    openEmbeddedStore({ dir, collection: "kb", onWarning: (m) => warnings.push(m), ...extra });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "qm-embedded-only-"));
    warnings.length = 0;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  async function seeded(extra: Partial<EmbeddedStoreOptions> = {}) {
    const points = randomPoints(3000, 7);
    const store = await open(extra);
    await store.ensureCollection(META);
    await store.upsert(points);
    return { store, points };
  }

  it("HNSW agrees with brute force on 3,000 random 64-dim points (recall@10 >= 0.95)", async () => {
    const { store, points } = await seeded({ exactSearchThreshold: 0 });
    expect(await recallAt10(store, points)).toBeGreaterThanOrEqual(0.95);
    await store.close();
  });

  it("a category-filtered keyword search ranks and scores like the unfiltered one restricted to the category", async () => {
    // The filter skips other chunks inside MiniSearch's scoring loop; it must not change the
    // BM25 statistics (document frequencies stay those of the whole collection).
    const words = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const points = randomPoints(600, 11).map((point, i) => ({
      ...point,
      payload: { ...point.payload, text: `${words[i % 5]} ${words[(i * 7) % 5]} ${words[i % 3]} filler ${i}` },
    }));
    const store = await open();
    await store.ensureCollection(META);
    await store.upsert(points);
    for (const [query, category] of [["alpha gamma", "small"], ["beta delta epsilon", "big"]] as const) {
      const inCategory = new Set(points.filter((p) => p.payload.categories.includes(category)).map((p) => p.payload.path));
      const all = await store.searchKeywords(query, { limit: 600 });
      const expected = all.filter((h) => inCategory.has(h.payload.path)).slice(0, 10);
      const filtered = await store.searchKeywords(query, { limit: 10, category });
      expect(expected).toHaveLength(10);
      expect(filtered.map((h) => [h.payload.path, h.score])).toEqual(expected.map((h) => [h.payload.path, h.score]));
    }
    await store.close();
  });

  it("keyword search follows a changed chunk of an article, chunk and article deletes, and a reopen, scoring like a fresh store", async () => {
    const texts = ["Indicator handles and buffers.", "CopyBuffer fills an indicator buffer.", "Release the handle in OnDeinit."];
    const articleChunks = (path: string, bodies: string[]) =>
      bodies.map((text, i) => chunk(path, i, vec(1, i), { chunkCount: bodies.length, text, categories: ["indicators"] }));
    const others = [
      ...articleChunks("other.md", ["CopyBuffer CopyBuffer into an array", "Series arrays and ArraySetAsSeries."]),
      ...articleChunks("third.md", ["Handles of iMA and iRSI.", "More about buffer indexing."]),
    ];
    const store = await open();
    await store.ensureCollection({ model: "m", dimension: 8 });
    await store.upsert([...articleChunks("a.md", texts), ...others]);
    const best = async (s: EmbeddedVectorStore, query: string) =>
      (await s.searchKeywords(query, { limit: 5 })).map((h) => [h.payload.path, h.payload.chunkIndex, h.score]);
    /** The same search on a store holding only `points`, built in one go. */
    const fresh = async (points: StoredPoint[], query: string) => {
      const other = await openEmbeddedStore({ dir, collection: `fresh${Math.floor(Math.random() * 1e9)}`, onWarning: () => {} });
      await other.ensureCollection({ model: "m", dimension: 8 });
      await other.upsert(points);
      const hits = await best(other, query);
      await other.close();
      return hits;
    };
    // "CopyBuffer" also matches its parts, "copy" and "buffer" (third.md).
    expect((await best(store, "CopyBuffer")).map(([path, index]) => [path, index])).toEqual([["other.md", 0], ["a.md", 1], ["third.md", 1]]);

    // One chunk of a.md changes: the term moves from chunk 1 to chunk 2 and becomes more frequent.
    const changed = [...articleChunks("a.md", [texts[0]!, "Take the values.", "CopyBuffer CopyBuffer CopyBuffer in OnDeinit."])];
    await store.upsert([changed[1]!, changed[2]!]);
    const afterChange = await best(store, "CopyBuffer");
    expect(afterChange.map(([path, index]) => [path, index])).toEqual([["a.md", 2], ["other.md", 0], ["third.md", 1]]);
    expect(afterChange).toEqual(await fresh([...changed, ...others], "CopyBuffer"));
    expect(await best(store, "fills")).toEqual([]); // only the old chunk 1 had it

    await store.deleteChunksFrom("a.md", 2);
    // a.md now matches only through chunk 0's "buffers".
    const afterDelete = await best(store, "CopyBuffer");
    expect(afterDelete.find(([path]) => path === "a.md")?.[1]).toBe(0);
    expect(afterDelete).toEqual(await fresh([changed[0]!, changed[1]!, ...others], "CopyBuffer"));
    expect(await best(store, "buffer")).toEqual(await fresh([changed[0]!, changed[1]!, ...others], "buffer"));
    await store.deleteArticles(["other.md"]);
    expect((await best(store, "CopyBuffer")).map(([path]) => path).sort()).toEqual(["a.md", "third.md"]);
    const remaining = [changed[0]!, changed[1]!, ...others.slice(2)];
    expect(await best(store, "handle buffer")).toEqual(await fresh(remaining, "handle buffer"));
    await store.close();

    const reopened = await open();
    expect(await best(reopened, "handle buffer")).toEqual(await fresh(remaining, "handle buffer"));
    expect(await best(reopened, "CopyBuffer")).toEqual(await fresh(remaining, "CopyBuffer"));
    await reopened.close();
  });

  it("scores a small category exactly and a broad one through HNSW, both filtered in the store", async () => {
    const { store, points } = await seeded({ exactSearchThreshold: 500 });
    const search = vi.spyOn(HnswIndex.prototype, "search");
    const query = randomVector(rng(5));
    // "small" has 300 points (<= 500): exact, so it must equal brute force exactly.
    const small = await store.searchArticles(query, { limit: 10, category: "small" });
    expect(search).not.toHaveBeenCalled();
    expect(small.map((h) => h.payload.path)).toEqual(bruteForce(points, query, 10, "small"));
    // "big" has 1,800 points: HNSW with the category as a filter.
    expect(await recallAt10(store, points, "big")).toBeGreaterThanOrEqual(0.9);
    expect(search).toHaveBeenCalled();
    await store.close();
  });

  it("HNSW with a narrow filter still returns only, and enough of, the category", async () => {
    const { store, points } = await seeded({ exactSearchThreshold: 0 });
    expect(await recallAt10(store, points, "small")).toBeGreaterThanOrEqual(0.9);
    await store.close();
  });

  it("widens the HNSW search when one article's chunks crowd out the rest", async () => {
    const store = await open({ exactSearchThreshold: 0, oversample: 2 });
    await store.ensureCollection({ model: "m", dimension: 8 });
    // 60 chunks of crowd.md sit right on the query; the five others are further away.
    const crowd = Array.from({ length: 60 }, (_, i) => chunk("crowd.md", i, vec(1, 0.001 * i), { chunkCount: 60 }));
    const others = Array.from({ length: 5 }, (_, i) => chunk(`o${i}.md`, 0, vec(1, 1 + i)));
    await store.upsert([...crowd, ...others]);
    const hits = await store.searchArticles(vec(1), { limit: 4 });
    expect(hits.map((h) => h.payload.path)).toEqual(["crowd.md", "o0.md", "o1.md", "o2.md"]);
    await store.close();
  });

  it("loads the saved index after close and reopen, giving identical results without a rebuild", async () => {
    const { store, points } = await seeded({ exactSearchThreshold: 0 });
    const query = randomVector(rng(11));
    const before = await store.searchArticles(query, { limit: 10 });
    await store.close();
    // Generation 2 (ensureCollection saved 1), each file tagged per save; the lock is gone with close().
    const files = (await readdir(join(dir, "kb"))).sort();
    // No keyword index file: it is built from the chunk texts on load (keyword-index.ts).
    expect(files).toHaveLength(4);
    expect(files[0]).toBe("collection.json");
    expect(files[1]).toMatch(/^hnsw-2-([0-9a-f]{8})\.bin$/);
    const tag = /^hnsw-(2-[0-9a-f]{8})/.exec(files[1]!)![1];
    expect(files.slice(2)).toEqual([`points-${tag}.json`, `vectors-${tag}.f32`]);
    const again = await open({ exactSearchThreshold: 0 });
    expect(await again.searchArticles(query, { limit: 10 })).toEqual(before);
    expect((await again.stats()).points).toBe(points.length);
    expect(warnings).toEqual([]);
    await again.close();
  });

  it("saves by itself after `autosaveEvery` pending changes", async () => {
    const store = await open({ autosaveEvery: 100 });
    await store.ensureCollection(META);
    const points = randomPoints(250, 3);
    for (let i = 0; i < points.length; i += 50) await store.upsert(points.slice(i, i + 50));
    // Not closed: a second reader sees what the autosaves wrote (at 100 and 200 changes).
    const reader = await open();
    expect((await reader.stats()).points).toBe(200);
    await store.close();
  });

  it("reuses the rows of deleted points", async () => {
    const store = await open();
    await store.ensureCollection({ model: "m", dimension: 8 });
    await store.upsert(Array.from({ length: 10 }, (_, i) => chunk(`a${i}.md`, 0, vec(1, i))));
    await store.deleteArticles(["a0.md", "a1.md", "a2.md", "a3.md", "a4.md"]);
    await store.upsert(Array.from({ length: 5 }, (_, i) => chunk(`b${i}.md`, 0, vec(0, 0, 1, i))));
    await store.close();
    const file = JSON.parse(await readFile(join(dir, "kb", "collection.json"), "utf8"));
    expect(file).toMatchObject({ rows: 10, points: 10, model: "m", dimension: 8, distance: "cosine", formatVersion: 1 });
    const again = await open({ exactSearchThreshold: 0 });
    const [hit] = await again.searchArticles(vec(0, 0, 1, 3), { limit: 1 });
    expect(hit!.payload.path).toBe("b3.md");
    expect(hit!.score).toBeCloseTo(1, 5);
    await again.close();
  });

  describe("damaged files", () => {
    async function saved(): Promise<{ points: StoredPoint[]; files: string[] }> {
      const { store, points } = await seeded();
      await store.close();
      return { points, files: await readdir(join(dir, "kb")) };
    }
    const named = (files: string[], prefix: string) => join(dir, "kb", files.find((f) => f.startsWith(prefix))!);

    it("a truncated vectors file is a StoreCorruptError naming it and the fix", async () => {
      const { files } = await saved();
      await truncate(named(files, "vectors-"), 1000);
      const opening = open();
      await expect(opening).rejects.toBeInstanceOf(StoreCorruptError);
      await expect(opening).rejects.toThrow(/vectors-\d+-[0-9a-f]{8}\.f32 has 1000 bytes[\s\S]*quantmind index/);
    });

    it("an edited points file is a StoreCorruptError", async () => {
      const { files } = await saved();
      const file = named(files, "points-");
      const text = await readFile(file, "utf8");
      await writeFile(file, text.replace("p1.md", "p9.md"));
      await expect(open()).rejects.toThrow(/points-\d+-[0-9a-f]{8}\.json does not match its checksum/);
    });

    it("a damaged HNSW file is rebuilt from the vectors, with a warning", async () => {
      const { points, files } = await saved();
      const file = named(files, "hnsw-");
      const bytes = await readFile(file);
      await writeFile(file, bytes.subarray(0, bytes.byteLength >> 1));
      const store = await open({ exactSearchThreshold: 0 });
      expect(warnings.join("\n")).toMatch(/rebuilding the HNSW index/);
      const query = randomVector(rng(21));
      const hits = await store.searchArticles(query, { limit: 10 });
      expect(hits.filter((h) => bruteForce(points, query, 10).includes(h.payload.path)).length).toBeGreaterThanOrEqual(9);
      await store.close();
    });

    it("a store saved with the MiniSearch keyword file opens silently, never reads that file, and drops it on the next save", async () => {
      const { points } = await saved();
      // What the build before 2026-12-03 wrote: a MiniSearch index, referenced from collection.json.
      // This one indexes a word no chunk holds, under a real point id: reading it would find it.
      const old = new MiniSearch({ fields: ["title", "text"] });
      old.add({ id: points[3]!.id, title: "t", text: "zanzibarword" });
      const bytes = Buffer.from(JSON.stringify(old));
      const name = "keywords-2-0a0b0c0d.json";
      await writeFile(join(dir, "kb", name), bytes);
      const collectionFile = join(dir, "kb", "collection.json");
      const file = JSON.parse(await readFile(collectionFile, "utf8"));
      file.files.keywords = { name, bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
      await writeFile(collectionFile, JSON.stringify(file));

      const store = await open();
      expect(warnings).toEqual([]);
      expect(await store.searchKeywords("zanzibarword", { limit: 1 })).toEqual([]);
      const target = points[5]!.payload.path;
      expect((await store.searchKeywords(target.replace(/\.md$/, ""), { limit: 1 }))[0]!.payload.path).toBe(target);
      await store.markIndexed(new Date());
      await store.close();
      expect(await readdir(join(dir, "kb"))).not.toContain(name);
      expect(JSON.parse(await readFile(collectionFile, "utf8")).files.keywords).toBeUndefined();
      const again = await open();
      expect((await again.searchKeywords(target.replace(/\.md$/, ""), { limit: 1 }))[0]!.payload.path).toBe(target);
      await again.close();
    });

    it("an unreadable or foreign collection.json is a StoreCorruptError", async () => {
      await saved();
      const file = join(dir, "kb", "collection.json");
      const original = await readFile(file, "utf8");
      await writeFile(file, original.slice(0, 40));
      await expect(open()).rejects.toThrow(StoreCorruptError);
      await writeFile(file, JSON.stringify({ ...JSON.parse(original), formatVersion: 99 }));
      await expect(open()).rejects.toThrow(/format version 99/);
    });

    it("debris of an interrupted save is ignored on open (a writer may still own it) and removed by the next save", async () => {
      await saved();
      const dead = deadPid();
      const debris = ["points-99.json", "vectors-7-0badf00d.f32", `hnsw-3-00c0ffee.bin.tmp-${dead}-abcd`, `collection.json.tmp-${dead}-1f`];
      // A temp file of another live process is left alone even by the lock holder, in case it bypassed the lock.
      const live = `points-4-12345678.json.tmp-${process.ppid}-abcd`;
      for (const name of [...debris, live]) await writeFile(join(dir, "kb", name), "partial");
      const store = await open();
      expect((await store.stats()).points).toBe(3000);
      expect(await readdir(join(dir, "kb"))).toEqual(expect.arrayContaining([...debris, live]));
      await store.markIndexed(new Date());
      const after = await readdir(join(dir, "kb"));
      for (const name of debris) expect(after).not.toContain(name);
      const generation = after.filter((f) => /^(points|vectors|hnsw|keywords)-\d+-[0-9a-f]{8}\.(json|f32|bin)$/.test(f));
      expect(generation).toHaveLength(3);
      expect(after.sort()).toEqual(["collection.json", live, "write.lock", ...generation].sort());
      await store.close();
    });
  });

  it("a reader picks up what another process's index run saved, without reopening", async () => {
    const reader = await openEmbeddedStore({ dir, collection: "shared", refreshIntervalMs: 0, onWarning: () => {} });
    const writer = await openEmbeddedStore({ dir, collection: "shared", onWarning: () => {} });
    await writer.ensureCollection({ model: "m", dimension: 8 });
    await writer.upsert([chunk("a.md", 0, vec(1)), chunk("b.md", 0, vec(0, 1))]);
    expect((await reader.stats()).points).toBe(0);
    await writer.markIndexed(new Date("2026-11-01T00:00:00Z"));
    expect(await reader.stats()).toEqual({ points: 2, articles: 2, lastIndexedAt: "2026-11-01T00:00:00.000Z" });
    const [hit] = await reader.searchArticles(vec(0, 1), { limit: 1 });
    expect(hit!.payload.path).toBe("b.md");
    await writer.close();
    await reader.close();
  });

  it("refuses collection names that are empty, too long or could leave the directory", async () => {
    for (const collection of ["", ".", "..", "../evil", "a/b", "a\\b", "a b", "kb.v2", "x".repeat(65), "ünï"]) {
      expect(() => new EmbeddedVectorStore({ dir, collection }), collection).toThrow(ConfigError);
    }
    expect(await readdir(dir)).toEqual([]);
    expect(() => new EmbeddedVectorStore({ dir, collection: "kb_v2-ok" })).not.toThrow();
  });

  it("refuses writes before ensureCollection and queries of the wrong dimension", async () => {
    const store = await open();
    await expect(store.upsert([chunk("a.md", 0, vec(1))])).rejects.toBeInstanceOf(CollectionMissingError);
    await expect(store.deleteArticles(["a.md"])).rejects.toBeInstanceOf(CollectionMissingError);
    await store.ensureCollection({ model: "m", dimension: 8 });
    await expect(store.searchArticles(new Float32Array(4), { limit: 1 })).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await store.close();
  });
});

describe("EmbeddedVectorStore write lock", () => {
  let dir: string;
  const open = () => openEmbeddedStore({ dir, collection: "kb", onWarning: () => {} });
  const lockPath = () => join(dir, "kb", "write.lock");
  const readLock = async () => JSON.parse(await readFile(lockPath(), "utf8")) as Record<string, unknown>;
  const listing = () => readdir(join(dir, "kb")).catch(() => [] as string[]);
  async function writeLock(content: string, ageMs = 0): Promise<void> {
    await mkdir(join(dir, "kb"), { recursive: true });
    await writeFile(lockPath(), content);
    if (ageMs > 0) {
      const then = new Date(Date.now() - ageMs);
      await utimes(lockPath(), then, then);
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "qm-embedded-lock-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("the first write takes write.lock with pid, hostname and startedAt; close releases it", async () => {
    const store = await open();
    expect(await listing()).toEqual([]);
    await store.ensureCollection({ model: "m", dimension: 8 });
    expect(await readLock()).toMatchObject({ pid: process.pid, hostname: hostname(), startedAt: expect.any(String) });
    await store.upsert([chunk("a.md", 0, vec(1))]);
    await store.close();
    expect(await listing()).not.toContain("write.lock");
    // Released for good: the next writer takes it without a fuss.
    const next = await open();
    await next.deleteArticles(["a.md"]);
    expect(await listing()).toContain("write.lock");
    await next.close();
    expect(await listing()).not.toContain("write.lock");
  });

  it("a second writer on the same directory gets StoreLockedError and changes nothing", async () => {
    const first = await open();
    const second = await open();
    await first.ensureCollection({ model: "m", dimension: 8 });
    // Creating raced the first writer: refused.
    const creating = second.ensureCollection({ model: "m", dimension: 8 });
    await expect(creating).rejects.toBeInstanceOf(StoreLockedError);
    await expect(creating).rejects.toMatchObject({ code: "STORE_LOCKED" });
    // Opened after the collection exists: ensureCollection only reads, the first real write is refused.
    const third = await open();
    await third.ensureCollection({ model: "m", dimension: 8 });
    const error = await third.upsert([chunk("b.md", 0, vec(0, 1))]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`process ${process.pid}`);
    expect((error as Error).message).toMatch(/wait for that index run to finish, or delete .*write\.lock if that process is gone/);
    for (const write of [third.deleteArticles(["a.md"]), third.deleteChunksFrom("a.md", 0), third.markIndexed(new Date())]) {
      await expect(write).rejects.toBeInstanceOf(StoreLockedError);
    }
    await first.upsert([chunk("a.md", 0, vec(1))]);
    await first.close();
    await second.close();
    await third.close();
    const reader = await open();
    expect(await reader.stats()).toEqual({ points: 1, articles: 1 });
    await reader.close();
  });

  it("refuses a lock held by another live process of this host, naming its pid", async () => {
    const owner = { pid: process.ppid, hostname: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    await writeLock(JSON.stringify(owner));
    const store = await open();
    await expect(store.ensureCollection({ model: "m", dimension: 8 })).rejects.toThrow(`process ${process.ppid}`);
    await store.close();
    expect(await readLock()).toEqual(owner);
  });

  it("refuses a lock of another host, whose pid it cannot check", async () => {
    await writeLock(JSON.stringify({ pid: deadPid(), hostname: `not-${hostname()}`, startedAt: "2026-01-01T00:00:00.000Z" }));
    const store = await open();
    await expect(store.ensureCollection({ model: "m", dimension: 8 })).rejects.toThrow(/on host not-/);
    await store.close();
  });

  it("takes over the lock of a process that is gone", async () => {
    const dead = deadPid();
    await writeLock(JSON.stringify({ pid: dead, hostname: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    const store = await open();
    await store.ensureCollection({ model: "m", dimension: 8 });
    expect(await readLock()).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect((await listing()).filter((f) => f.startsWith("write.lock"))).toEqual(["write.lock"]);
    await store.close();
    expect(await listing()).not.toContain("write.lock");
  });

  it("takes over a garbage lock once it is old enough not to be one being written", async () => {
    await writeLock("{not json", 60_000);
    const store = await open();
    await store.ensureCollection({ model: "m", dimension: 8 });
    expect(await readLock()).toMatchObject({ pid: process.pid });
    await store.close();
    expect(await listing()).not.toContain("write.lock");
  });

  it("a reader-only store never creates write.lock, even while a writer holds it", async () => {
    const reader = await open();
    expect(await reader.getCollectionMeta()).toBeUndefined();
    const writer = await open();
    await writer.ensureCollection({ model: "m", dimension: 8 });
    await writer.upsert([chunk("a.md", 0, vec(1))]);
    await writer.close();
    expect(await listing()).not.toContain("write.lock");

    const server = await openEmbeddedStore({ dir, collection: "kb", refreshIntervalMs: 0, onWarning: () => {} });
    await server.ensureCollection({ model: "m", dimension: 8 });
    await server.searchArticles(vec(1), { limit: 3 });
    await server.stats();
    await server.listCategories();
    await server.indexedArticles();
    await server.exportPoints();
    expect(await listing()).not.toContain("write.lock");
    const other = await open();
    await other.upsert([chunk("b.md", 0, vec(0, 1))]);
    expect(await readLock()).toMatchObject({ pid: process.pid });
    expect((await server.stats()).points).toBe(1);
    await server.close();
    expect(await listing()).toContain("write.lock");
    await other.close();
    await reader.close();
    expect(await listing()).not.toContain("write.lock");
  });

  it("loads what another writer saved since open before writing, so its work is not lost", async () => {
    const setup = await open();
    await setup.ensureCollection({ model: "m", dimension: 8 });
    await setup.upsert([chunk("a.md", 0, vec(1))]);
    await setup.close();
    const late = await openEmbeddedStore({ dir, collection: "kb", refreshIntervalMs: 60_000, onWarning: () => {} });
    await late.ensureCollection({ model: "m", dimension: 8 });
    const other = await open();
    await other.upsert([chunk("b.md", 0, vec(0, 1))]);
    await other.close();
    await late.upsert([chunk("c.md", 0, vec(0, 0, 1))]);
    await late.close();
    const check = await open();
    expect([...(await check.indexedArticles()).keys()].sort()).toEqual(["a.md", "b.md", "c.md"]);
    await check.close();
  });
});
