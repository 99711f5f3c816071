/**
 * `npm run bench -- fuzz`: randomised tool calls against the knowledge-base and QuantConnect MCP
 * servers over real HTTP on loopback (each app served by Node's HTTP server on 127.0.0.1:0; the
 * QuantConnect API is the test stand-in, also on loopback). For each call: any tool name (real
 * or not) with arguments of random shape (valid, wrong types, huge, nested, non-objects), a
 * random JSON-RPC id. Checks: no 5xx, a reply for every request within a time limit (no hang),
 * the reply's id is the request's, and the server process still answers at the end (no crash).
 * Bounded: BENCH_FUZZ_CALLS per server (default 10,000) and BENCH_FUZZ_SECONDS per server
 * (default 600), whichever comes first. The kb uses the tests' hashing embedder (the servers'
 * request handling is under test here, not the model), over an index of the bundled articles.
 */
import path from "node:path";
import { createKbHttpApp } from "../services/kb/http-app.js";
import { indexArticles } from "../services/kb/indexer.js";
import { BUNDLED_ARTICLES_DIR } from "../services/kb/config.js";
import { openEmbeddedStore } from "../services/kb/stores/embedded-store.js";
import { createQcDeps, createQcHttpApp } from "../services/qc/app.js";
import { loadQcConfig } from "../services/qc/config.js";
import { QC_TOOLS } from "../services/qc/tools/all-tools.js";
import { serveHttp } from "../services/shared/http/serve-node.js";
import { createHashingEmbedder } from "../test/helpers/hashing-embedder.js";
import { startQcApiServer } from "../test/helpers/qc-api-server.js";
import { qcTestEnv } from "../test/helpers/qc-in-process.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { machine, summarise, formatLatency } from "./lib/stats.js";

const KEY = "fuzz-bench-key-0123456789abcdef";
const CALLS = Number(process.env.BENCH_FUZZ_CALLS ?? 10_000);
const SECONDS = Number(process.env.BENCH_FUZZ_SECONDS ?? 600);
const REQUEST_TIMEOUT_MS = 30_000;

/** Seeded, so a failing run can be replayed with BENCH_FUZZ_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor((r() - 0.5) * 2 ** (r() * 60));
    case 3: return r() * 1e6;
    case 4: return "x".repeat(Math.floor(r() * 50));
    case 5: return ["../../etc/passwd.md", "risk/a.md", "%2e%2e/x.md", "\u0000", "🙂".repeat(300), "trend following"][Math.floor(r() * 6)];
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 7:
    case 8: {
      const keys = ["query", "limit", "category", "path", "projectId", "backtestId", "name", "fileName", "content", "key", "x"];
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [keys[Math.floor(r() * keys.length)]!, randomValue(r, depth + 1)]));
    }
    default: return "y".repeat(Math.floor(r() * 20_000));
  }
}

interface FuzzFigures {
  server: string;
  calls: number;
  seconds: number;
  statuses: Record<string, number>;
  toolErrors: number;
  fiveHundreds: number;
  hangs: number;
  wrongIds: number;
  aliveAtEnd: boolean;
}

async function fuzz(server: string, url: string, tools: string[], seed: number): Promise<FuzzFigures> {
  const r = random(seed);
  const statuses: Record<string, number> = {};
  let toolErrors = 0, fiveHundreds = 0, hangs = 0, wrongIds = 0, calls = 0;
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (calls < CALLS && performance.now() < deadline) {
    const id = r() < 0.5 ? Math.floor(r() * 1e9) : `id-${Math.floor(r() * 1e9)}`;
    const name = r() < 0.9 ? tools[Math.floor(r() * tools.length)]! : `no_such_tool_${calls}`;
    const args = r() < 0.85 ? randomValue(r) : { query: "risk management", limit: 5 };
    const body = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
    calls++;
    const t0 = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": KEY },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      samples.push(performance.now() - t0);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status >= 500) fiveHundreds++;
      if (response.status === 200) {
        const reply = JSON.parse(text) as { id?: unknown; result?: { isError?: boolean } };
        if (reply.id !== id) wrongIds++;
        if (reply.result?.isError) toolErrors++;
      }
    } catch (error) {
      if ((error as Error).name === "TimeoutError") hangs++;
      else throw error;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const ping = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": KEY },
    body: JSON.stringify({ jsonrpc: "2.0", id: "last", method: "tools/list" }),
  }).catch(() => undefined);
  console.log(formatLatency(`${server}: per call`, summarise(samples)));
  return { server, calls, seconds, statuses, toolErrors, fiveHundreds, hangs, wrongIds, aliveAtEnd: ping?.status === 200 };
}

export async function benchFuzz(): Promise<FuzzFigures[]> {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const seed = Number(process.env.BENCH_FUZZ_SEED ?? 20261203);
  const temp = await makeTempDir("qm-fuzz-");
  const figures: FuzzFigures[] = [];
  const api = await startQcApiServer();
  try {
    const embedder = createHashingEmbedder();
    const store = await openEmbeddedStore({ dir: path.join(temp.dir, "kb"), collection: "fuzz" });
    await indexArticles({ articlesRoot: BUNDLED_ARTICLES_DIR, store, embedder });
    const kbApp = createKbHttpApp(
      { MCP_CORS_ORIGINS: ["*"], MCP_RATE_LIMIT_PER_MINUTE: 0, KB_MAX_QUEUED_SEARCHES: 32 },
      { store, embedder, articlesRoot: BUNDLED_ARTICLES_DIR },
      { apiKeys: [KEY] },
    );
    const kb = await serveHttp(kbApp.fetch, { host: "127.0.0.1", port: 0 });
    try {
      figures.push(await fuzz("kb", `${kb.url}/mcp`, ["search_knowledge_base", "get_article_content", "kb_stats", "list_categories"], seed));
    } finally {
      await kb.close();
      await store.close();
    }
    const config = loadQcConfig({ ...qcTestEnv(api), LOG_LEVEL: "silent", QC_MAX_ATTEMPTS: "1" });
    const qcApp = createQcHttpApp(config, createQcDeps(config, undefined), { apiKeys: [KEY] });
    const qc = await serveHttp(qcApp.fetch, { host: "127.0.0.1", port: 0 });
    try {
      figures.push(await fuzz("qc", `${qc.url}/mcp`, QC_TOOLS.map((t) => t.name), seed + 1));
    } finally {
      await qc.close();
    }
  } finally {
    await api.close();
    await temp.remove();
  }
  for (const f of figures) {
    console.log(
      `${f.server}: ${f.calls} calls in ${f.seconds.toFixed(1)} s; HTTP ${JSON.stringify(f.statuses)}; tool errors ${f.toolErrors}; ` +
        `5xx ${f.fiveHundreds}; hangs ${f.hangs}; mixed-up ids ${f.wrongIds}; answering at the end: ${f.aliveAtEnd}`,
    );
  }
  const failed = figures.some((f) => f.fiveHundreds > 0 || f.hangs > 0 || f.wrongIds > 0 || !f.aliveAtEnd);
  if (failed) process.exitCode = 1;
  return figures;
}
