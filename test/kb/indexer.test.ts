import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddingMismatchError } from "../../services/kb/errors.js";
import { indexArticles } from "../../services/kb/indexer.js";
import { pointId } from "../../services/kb/point-id.js";
import { openEmbeddedStore, type EmbeddedVectorStore } from "../../services/kb/stores/embedded-store.js";
import { createHashingEmbedder } from "../helpers/hashing-embedder.js";
import { makeTempDir } from "../helpers/temp-dir.js";

function articleText(title: string, paragraphs: number, topic: string): string {
  const body = Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i} about ${topic} with several plain words in it.`).join("\n\n");
  return `---\ntitle: "${title}"\nurl: https://x.example/${encodeURIComponent(title)}\ncategories: [tests]\nrelevance_score: 0.5\n---\n# ${title}\n\n${body}\n`;
}

describe("indexArticles", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let root: string;
  let store: EmbeddedVectorStore;

  const write = async (relative: string, content: string) => {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  };
  const run = (embedder = createHashingEmbedder(), chunkTokens = 24) =>
    indexArticles({ articlesRoot: root, store, embedder, chunkTokens, overlapTokens: 4, embedBatchSize: 8 });

  beforeEach(async () => {
    temp = await makeTempDir();
    root = path.join(temp.dir, "articles");
    store = await openEmbeddedStore({ dir: path.join(temp.dir, "store"), collection: "c" });
    await write("alpha/one.md", articleText("One", 6, "moving averages"));
    await write("beta/one.md", articleText("One again", 6, "drawdown limits"));
    await write("beta/two.md", articleText("Two", 2, "order filling"));
  });
  afterEach(async () => {
    await store.close();
    await temp.remove();
  });

  it("indexes every article into chunks whose ids do not collide across folders", async () => {
    const summary = await run();
    expect(summary.indexed.sort()).toEqual(["alpha/one.md", "beta/one.md", "beta/two.md"]);
    const known = await store.indexedArticles();
    expect(known.get("alpha/one.md")!.chunkCount).toBeGreaterThan(1);
    const total = [...known.values()].reduce((n, a) => n + a.chunkCount, 0);
    expect((await store.stats()).points).toBe(total);
    expect(summary.chunksEmbedded).toBe(total);
    expect(pointId("alpha/one.md", 0)).not.toBe(pointId("beta/one.md", 0));
  });

  it("embeds nothing when re-run on an unchanged corpus", async () => {
    await run();
    const embedder = createHashingEmbedder();
    const again = await run(embedder);
    expect(again).toMatchObject({ indexed: [], unchanged: 3, chunksEmbedded: 0, skipped: [], removed: [] });
    expect(embedder.calls).toHaveLength(0);
  });

  it("re-embeds only a changed article and deletes its stale chunks", async () => {
    await run();
    const before = (await store.indexedArticles()).get("alpha/one.md")!.chunkCount;
    await write("alpha/one.md", articleText("One", 1, "short now"));
    const embedder = createHashingEmbedder();
    const summary = await run(embedder);
    expect(summary.indexed).toEqual(["alpha/one.md"]);
    expect(summary.unchanged).toBe(2);
    const after = (await store.indexedArticles()).get("alpha/one.md")!;
    expect(after.chunkCount).toBeLessThan(before);
    const [vector] = await embedder.embed(["Paragraph 5 about moving averages"]);
    const hits = await store.searchArticles(vector!, { limit: 10 });
    const alpha = hits.find((h) => h.payload.path === "alpha/one.md")!;
    expect(alpha.payload.text).toContain("short now");
    const points = (await store.stats()).points;
    const expected = [...(await store.indexedArticles()).values()].reduce((n, a) => n + a.chunkCount, 0);
    expect(points).toBe(expected);
  });

  it("removes the chunks of a deleted article", async () => {
    await run();
    await rm(path.join(root, "beta/two.md"));
    const summary = await run();
    expect(summary.removed).toEqual(["beta/two.md"]);
    expect((await store.indexedArticles()).has("beta/two.md")).toBe(false);
  });

  it("reports and skips malformed files without aborting, keeping the chunks they had", async () => {
    await run();
    await write("beta/two.md", "---\ntitle: [broken\n---\nbody");
    await write("gamma/no-frontmatter.md", "just text");
    const summary = await run();
    expect(summary.skipped.map((s) => s.path).sort()).toEqual(["beta/two.md", "gamma/no-frontmatter.md"]);
    expect(summary.skipped.find((s) => s.path === "gamma/no-frontmatter.md")!.reason).toMatch(/frontmatter/);
    expect((await store.indexedArticles()).has("beta/two.md")).toBe(true);
    expect(summary.unchanged).toBe(2);
  });

  it("re-indexes an article whose previous run was interrupted mid-write", async () => {
    await run();
    await write("alpha/one.md", articleText("One", 2, "shorter now"));
    let failures = 1;
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === "deleteChunksFrom" && failures-- > 0) return async () => Promise.reject(new Error("disk full"));
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await expect(
      indexArticles({ articlesRoot: root, store: flaky, embedder: createHashingEmbedder(), chunkTokens: 24, overlapTokens: 4 }),
    ).rejects.toThrow(/disk full/);
    const recovery = await run();
    expect(recovery.indexed).toEqual(["alpha/one.md"]);
    const known = await store.indexedArticles();
    const expected = [...known.values()].reduce((n, a) => n + a.chunkCount, 0);
    expect((await store.stats()).points).toBe(expected);
  });

  it("shortens a very long title on each chunk instead of failing the article", async () => {
    const title = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
    await write("gamma/long-title.md", articleText(title, 3, "titles"));
    const embedder = createHashingEmbedder({ maxInputTokens: 32 });
    const summary = await run(embedder, 32);
    expect(summary.indexed).toContain("gamma/long-title.md");
    const texts = embedder.calls.flat().filter((t) => t.startsWith("word0 "));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(embedder.countTokens(text)).toBeLessThanOrEqual(32);
      expect(text.split("\n\n")[0]).toMatch(/…$/);
    }
  });

  it("never embeds a chunk over the model's window", async () => {
    const embedder = createHashingEmbedder({ maxInputTokens: 16 });
    await run(embedder, 1000);
    for (const batch of embedder.calls) for (const text of batch) expect(embedder.countTokens(text)).toBeLessThanOrEqual(16);
  });

  it("refuses a store built with another model", async () => {
    await run();
    await expect(run(createHashingEmbedder({ model: "other-model" }))).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await expect(run(createHashingEmbedder({ model: "test-hashing-64", dimension: 32 }))).rejects.toThrow(/64 dims.*32 dims/);
  });

  it("records the time of the run", async () => {
    await indexArticles({ articlesRoot: root, store, embedder: createHashingEmbedder(), now: () => new Date("2026-11-01T10:00:00Z") });
    expect((await store.stats()).lastIndexedAt).toBe("2026-11-01T10:00:00.000Z");
  });
});
