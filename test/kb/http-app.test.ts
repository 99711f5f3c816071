/**
 * One client cannot stall the knowledge base: searches beyond the queue bound get 503 with
 * Retry-After at once while kb_stats keeps answering, and the per-key rate limit counts calls.
 */
import { describe, expect, it } from "vitest";
import type { Embedder } from "../../services/kb/embed/embedder.js";
import { createKbHttpApp } from "../../services/kb/http-app.js";
import type { VectorStore } from "../../services/kb/stores/vector-store.js";

const KEY = "kb-http-key-0123456789abcdef";

const store = {
  backend: "embedded",
  collection: "c",
  stats: async () => ({ points: 1, articles: 1, lastIndexedAt: "2026-12-03T00:00:00.000Z" }),
  getCollectionMeta: async () => ({ model: "m", dimension: 1 }),
  searchArticles: async () => [],
  listCategories: async () => [],
} as unknown as VectorStore;

/** An embedder whose calls wait until the test lets them go. */
function gatedEmbedder(): { embedder: Embedder; waiting: () => number; open: () => void } {
  const gates: (() => void)[] = [];
  let opened = false;
  return {
    embedder: {
      model: "m",
      dimension: 1,
      maxInputTokens: 100,
      countTokens: (t) => t.split(/\s+/).length,
      embed: (texts) =>
        new Promise((resolve) => {
          const go = () => resolve(texts.map(() => new Float32Array([1])));
          if (opened) go();
          else gates.push(go);
        }),
    },
    waiting: () => gates.length,
    open: () => {
      opened = true;
      for (const go of gates.splice(0)) go();
    },
  };
}

const config = (limit: number, queued: number) => ({ MCP_CORS_ORIGINS: ["*"], MCP_RATE_LIMIT_PER_MINUTE: limit, KB_MAX_QUEUED_SEARCHES: queued });

function call(app: ReturnType<typeof createKbHttpApp>, body: unknown) {
  return app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": KEY },
    body: JSON.stringify(body),
  });
}
// Vector searches: they wait for the embedder, which is what the queue bound protects.
const search = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "search_knowledge_base", arguments: { query: `q${id}`, mode: "vector" } } });
const stats = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "kb_stats", arguments: {} } });

describe("knowledge-base HTTP app under load", () => {
  it("refuses searches past the queue bound with 503 and Retry-After, and kb_stats still answers", async () => {
    const gated = gatedEmbedder();
    const app = createKbHttpApp(config(0, 3), { store, embedder: gated.embedder, articlesRoot: "/nonexistent" }, { apiKeys: [KEY] });
    const first = call(app, [search(1), search(2)]);
    const second = call(app, search(3));
    for (let i = 0; i < 100 && gated.waiting() < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gated.waiting()).toBe(3);

    const refused = await call(app, search(4));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({ error: "BUSY", message: expect.stringMatching(/3 searches are already queued \(at most 3\)/) });

    const started = performance.now();
    const cheap = await call(app, stats(5));
    expect(cheap.status).toBe(200);
    expect(((await cheap.json()) as { result: { structuredContent: { points: number } } }).result.structuredContent.points).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);

    gated.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // The places are free again.
    expect((await call(app, [search(6), search(7), search(8)])).status).toBe(200);
  });

  it("limits each key's calls per minute, a batch counting each call", async () => {
    const gated = gatedEmbedder();
    gated.open();
    const app = createKbHttpApp(config(3, 32), { store, embedder: gated.embedder, articlesRoot: "/nonexistent" }, { apiKeys: [KEY] });
    expect((await call(app, [stats(1), stats(2)])).status).toBe(200);
    expect((await call(app, [stats(3), stats(4)])).status).toBe(429);
    expect((await call(app, stats(5))).status).toBe(200);
    const limited = await call(app, stats(6));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
