/**
 * `npm run bench -- kb-stall`: does one client's burst of searches stall another client? A
 * batch of 100 `search_knowledge_base` calls (or, where batches are bounded, 10 concurrent
 * requests of 10) against the knowledge base's HTTP app on loopback, while a second client
 * times `kb_stats` every 50 ms. Compared: the app as it was (in-process query embedding, no
 * batch bound, no queue bound) and as it is (query embedding in a worker thread, batches of at
 * most 10, a bounded search queue). Real USE-lite model over the bundled articles.
 */
import path from "node:path";
import { createEmbedder } from "../services/kb/embed/create-embedder.js";
import { createUseLiteEmbedder } from "../services/kb/embed/use-lite.js";
import type { Embedder } from "../services/kb/embed/embedder.js";
import { createKbHttpApp } from "../services/kb/http-app.js";
import { indexArticles } from "../services/kb/indexer.js";
import { BUNDLED_ARTICLES_DIR } from "../services/kb/config.js";
import { createKbServer } from "../services/kb/server.js";
import { openEmbeddedStore } from "../services/kb/stores/embedded-store.js";
import type { VectorStore } from "../services/kb/stores/vector-store.js";
import { createHttpApp } from "../services/shared/http/create-http-app.js";
import { serveHttp } from "../services/shared/http/serve-node.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { BENCH_QUERIES } from "./queries.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

const KEY = "kb-stall-bench-key-0123456789ab";
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": KEY };
const search = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "search_knowledge_base", arguments: { query: `${BENCH_QUERIES[id % BENCH_QUERIES.length]} ${id}`, limit: 50 } } });

async function measure(label: string, url: string, batches: number[][]): Promise<void> {
  const post = (body: unknown) => fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const baseline: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await (await post({ jsonrpc: "2.0", id: "s", method: "tools/call", params: { name: "kb_stats", arguments: {} } })).text();
    baseline.push(performance.now() - t0);
  }
  const during: number[] = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      await (await post({ jsonrpc: "2.0", id: "s", method: "tools/call", params: { name: "kb_stats", arguments: {} } })).text();
      during.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t0 = performance.now();
  const replies = await Promise.all(batches.map(async (ids) => {
    const response = await post(ids.length === 1 ? search(ids[0]!) : ids.map(search));
    return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
  }));
  const burstMs = performance.now() - t0;
  done = true;
  await prober;
  const statuses = replies.reduce<Record<number, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
  console.log(`${label}: burst of ${batches.flat().length} searches in ${batches.length} request(s) took ${(burstMs / 1000).toFixed(2)} s; HTTP ${JSON.stringify(statuses)}; largest reply ${Math.max(...replies.map((r) => r.bytes))} bytes`);
  console.log(formatLatency(`${label}: kb_stats alone`, summarise(baseline)));
  console.log(formatLatency(`${label}: kb_stats during the burst`, summarise(during)));
}

async function serve(app: { fetch: (r: Request) => Response | Promise<Response> }) {
  return serveHttp(app.fetch, { host: "127.0.0.1", port: 0 });
}

export async function benchKbStall(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const temp = await makeTempDir("qm-kb-stall-");
  try {
    const indexer = await createEmbedder({ provider: "use-lite", workers: 2 });
    const store: VectorStore = await openEmbeddedStore({ dir: path.join(temp.dir, "kb"), collection: "stall" });
    await indexArticles({ articlesRoot: BUNDLED_ARTICLES_DIR, store, embedder: indexer });
    await indexer.close?.();
    const hundred = Array.from({ length: 100 }, (_, i) => i);

    // As it was: in-process embedding, the whole batch in one request, nothing bounded.
    const inProcess: Embedder = createUseLiteEmbedder();
    await inProcess.embed(["warm-up"]);
    const before = await serve(createHttpApp({ createMcpServer: () => createKbServer({ store, embedder: inProcess, articlesRoot: BUNDLED_ARTICLES_DIR }), apiKeys: [KEY], maxBatchMessages: 1000 }));
    try {
      await measure("before (in-process, one batch of 100)", `${before.url}/mcp`, [hundred]);
    } finally {
      await before.close();
      await inProcess.close?.();
    }

    // As it is: a worker thread, batches of at most 10, the default queue bound of 32.
    const pooled = await createEmbedder({ provider: "use-lite" });
    await pooled.embed(["warm-up"]);
    const after = await serve(
      createKbHttpApp({ MCP_CORS_ORIGINS: ["*"], MCP_RATE_LIMIT_PER_MINUTE: 0, KB_MAX_QUEUED_SEARCHES: 32 }, { store, embedder: pooled, articlesRoot: BUNDLED_ARTICLES_DIR }, { apiKeys: [KEY] }),
    );
    try {
      await measure("after (one batch of 100)", `${after.url}/mcp`, [hundred]);
      await measure("after (10 concurrent batches of 10)", `${after.url}/mcp`, Array.from({ length: 10 }, (_, b) => hundred.slice(b * 10, b * 10 + 10)));
    } finally {
      await after.close();
      await pooled.close?.();
      await store.close();
    }
  } finally {
    await temp.remove();
  }
}
