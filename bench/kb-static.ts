/**
 * `npm run bench -- kb-static`: the static embedder's figures (issue 15).
 * - indexing: the real indexer with KB_EMBEDDER=static over copies of the sample corpus
 *   (at least 2,000 chunks), chunks/s by wall clock and the process's CPU time;
 * - search: 20,000 chunks (BENCH_POINTS), through MCP over HTTP against `quantmind serve kb`
 *   with KB_EMBEDDER=static, in each mode (vector, keyword, hybrid).
 * The machine is shared: the load average is printed before and after.
 */
import { loadavg } from "node:os";
import path from "node:path";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { benchIndexing, buildBenchCorpus } from "./kb-index.js";
import { benchSearch, printSearchResult } from "./kb-search.js";
import { machine } from "./lib/stats.js";

const MIN_CHUNKS = 2000;

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");

export async function benchKbStatic(): Promise<void> {
  const copies = Number(process.env.BENCH_COPIES ?? 3);
  const points = Number(process.env.BENCH_POINTS ?? 20_000);
  const temp = await makeTempDir("qm-bench-static-");
  try {
    console.log(`machine: ${machine()}`);
    console.log(`date: ${new Date().toISOString()}; load average before: ${load()}`);
    const articlesDir = path.join(temp.dir, "articles");
    await buildBenchCorpus(articlesDir, copies);
    const dataDir = path.join(temp.dir, "index-static");
    const index = await benchIndexing({ dataDir, articlesDir, workers: 1, embedder: "static" });
    if (index.chunks < MIN_CHUNKS) throw new Error(`only ${index.chunks} chunks; raise BENCH_COPIES to reach ${MIN_CHUNKS}`);
    console.log(
      `indexing, static embedder: ${index.articles} articles, ${index.chunks} chunks in ${index.seconds.toFixed(2)} s ` +
        `= ${index.chunksPerSecond.toFixed(0)} chunks/s (CPU ${index.cpuSeconds.toFixed(2)} s = ` +
        `${(index.chunks / index.cpuSeconds).toFixed(0)} chunks per CPU-second); unchanged re-run ${index.rerunSeconds.toFixed(2)} s`,
    );
    const search = await benchSearch({
      indexedDataDir: dataDir,
      workDir: path.join(temp.dir, "search"),
      points,
      embedder: "static",
      modes: ["vector", "keyword", "hybrid"],
    });
    printSearchResult(search);
    console.log(`load average after: ${load()}`);
  } finally {
    await temp.remove();
  }
}
