/**
 * `npm run bench`: the knowledge-base benchmarks. Prints the figures; copy them, with the date
 * and machine line, into bench/RESULTS.md. Takes several minutes on two cores (the offline
 * model embeds about 10 chunks a second per core).
 *
 *   npm run bench                 indexing with 1 and 2 workers, then search at 20,000 chunks
 *   npm run bench -- search       search only (indexes one copy of the corpus first, unreported)
 *   npm run bench -- containers   image size, build times, times to healthy (needs a Docker engine)
 *   npm run bench -- agent        strategy agent: signal to acknowledged outcome through Redis, mt5_mock then the MT5 bridge over TLS (bench/agent.ts)
 *   npm run bench -- qc           QuantConnect MCP: Lambda bundle and cold start, tools/list, tools/call (bench/qc.ts)
 *   npm run bench -- brokers      mt5_mock orders/s, mt5_socket round trips through the Broker (bench/brokers.ts)
 *   npm run bench -- backtest-sandbox   strategy sandbox: SMA cross on 1M bars, JS and Python (bench/backtest-sandbox.ts)
 *   BENCH_COPIES=3 BENCH_POINTS=20000 BENCH_WORKERS=1,2 npm run bench
 */
import path from "node:path";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { benchIndexing, buildBenchCorpus } from "./kb-index.js";
import { benchSearch, printSearchResult } from "./kb-search.js";
import { machine } from "./lib/stats.js";

if (process.argv[2] === "pulumi") await import("./pulumi-eval.js").then(async ({ benchPulumiEval }) => (await benchPulumiEval(), process.exit()));
if (process.argv[2] === "containers") await import("./containers.js").then(async ({ benchContainers }) => (await benchContainers(), process.exit()));
if (process.argv[2] === "qc") await import("./qc.js").then(async ({ benchQc }) => (await benchQc(), process.exit()));
if (process.argv[2] === "backtest-sandbox") await import("./backtest-sandbox.js").then(async ({ benchBacktestSandbox }) => (await benchBacktestSandbox(), process.exit()));
// npm run bench -- backtest-engine: the backtest engine alone on 1,000,000 synthetic bars (bench/backtest-engine.ts)
if (process.argv[2] === "backtest-engine") await import("./backtest-engine.js").then(async ({ benchBacktestEngine }) => (await benchBacktestEngine(), process.exit()));
// npm run bench -- backtest-queue: submit-to-completed in process and through Redis, a 100-point grid over 1,000,000 bars (bench/backtest-queue.ts)
if (process.argv[2] === "backtest-queue") await import("./backtest-queue.js").then(async ({ benchBacktestQueue }) => (await benchBacktestQueue(), process.exit()));
// npm run bench -- fuzz: 10,000 randomised tool calls per MCP server (kb, qc) over loopback HTTP (bench/fuzz.ts)
if (process.argv[2] === "fuzz") await import("./fuzz.js").then(async ({ benchFuzz }) => (await benchFuzz(), process.exit()));
// npm run bench -- kb-stall: a burst of 100 searches vs another client's kb_stats, before and after the hardening (bench/kb-stall.ts)
if (process.argv[2] === "kb-stall") await import("./kb-stall.js").then(async ({ benchKbStall }) => (await benchKbStall(), process.exit()));
// npm run bench -- kb-static: indexing and search with the static embedder, every search mode (bench/kb-static.ts)
if (process.argv[2] === "kb-static") await import("./kb-static.js").then(async ({ benchKbStatic }) => (await benchKbStatic(), process.exit()));
// npm run bench -- mt5-bridge: round trips through the Python MT5 bridge over TLS on loopback (bench/mt5-bridge.ts)
if (process.argv[2] === "mt5-bridge") await import("./mt5-bridge.js").then(async ({ benchMt5Bridge }) => (await benchMt5Bridge(), process.exit()));
// npm run bench -- kb-quality: nDCG@10, recall@5 and MRR of KB search per mode and embedder over data/kb-eval (bench/kb-quality.ts)
if (process.argv[2] === "kb-quality") await import("./kb-quality.js").then(async ({ benchKbQuality }) => (await benchKbQuality(), process.exit()));
if (process.argv[2] === "agent") await import("./agent.js").then(async ({ benchAgent }) => (await benchAgent(), process.exit()));
// npm run bench -- brokers: mt5_mock order placement and mt5_socket round trips through the Broker interface (bench/brokers.ts)
if (process.argv[2] === "brokers") await import("./brokers.js").then(async ({ benchBrokers }) => (await benchBrokers(), process.exit()));
const copies = Number(process.env.BENCH_COPIES ?? 3);
const points = Number(process.env.BENCH_POINTS ?? 20_000);
const workerCounts = (process.env.BENCH_WORKERS ?? "1,2").split(",").map(Number);
const only = process.argv[2];
if (only !== undefined && only !== "index" && only !== "search") {
  throw new Error(`unknown benchmark ${JSON.stringify(only)}: use index, search, or nothing for both`);
}

const temp = await makeTempDir("qm-bench-");
try {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const articlesDir = path.join(temp.dir, "articles");
  await buildBenchCorpus(articlesDir, only === "search" ? 1 : copies);
  const indexedDataDir = (workers: number) => path.join(temp.dir, `index-${workers}`);

  if (only === "search") {
    await benchIndexing({ dataDir: indexedDataDir(2), articlesDir, workers: 2 });
  } else {
    for (const workers of workerCounts) {
      const result = await benchIndexing({ dataDir: indexedDataDir(workers), articlesDir, workers });
      console.log(
        `indexing, ${workers} worker(s): ${result.articles} articles, ${result.chunks} chunks in ${result.seconds.toFixed(1)} s ` +
          `= ${result.chunksPerSecond.toFixed(1)} chunks/s; unchanged re-run ${result.rerunSeconds.toFixed(2)} s`,
      );
    }
  }

  if (only !== "index") {
    const search = await benchSearch({
      indexedDataDir: indexedDataDir(only === "search" ? 2 : workerCounts[0]!),
      workDir: path.join(temp.dir, "search"),
      points,
    });
    printSearchResult(search);
  }
} finally {
  await temp.remove();
}
