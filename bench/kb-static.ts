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
import { formatLatency, machine, summarise, type LatencySummary } from "./lib/stats.js";
import { createEmbedder } from "../services/kb/embed/create-embedder.js";
import { openEmbeddedStore } from "../services/kb/stores/embedded-store.js";
import { BENCH_QUERIES } from "./queries.js";

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
    await benchInProcess(path.join(temp.dir, "search", "data", "kb"));
    console.log(`load average after: ${load()}`);
  } finally {
    await temp.remove();
  }
}

/**
 * Keyword and hybrid search in process on the same store, with the CPU time per query: the
 * wall-clock percentiles move with the machine's load, the CPU time much less.
 */
async function benchInProcess(storeDir: string): Promise<void> {
  const embedder = await createEmbedder({ provider: "static" });
  const vectors = await embedder.embed(BENCH_QUERIES);
  await embedder.close?.();
  const store = await openEmbeddedStore({ dir: storeDir, collection: "mql5_articles" });
  try {
    const categories = (await store.listCategories()).map((c) => c.category);
    const modes = {
      keyword: (i: number) => store.searchKeywords(BENCH_QUERIES[i % BENCH_QUERIES.length]!, { limit: 5 }),
      "keyword by category": (i: number) =>
        store.searchKeywords(BENCH_QUERIES[i % BENCH_QUERIES.length]!, { limit: 5, category: categories[i % categories.length]! }),
      hybrid: (i: number) => store.searchHybrid(vectors[i % vectors.length]!, BENCH_QUERIES[i % BENCH_QUERIES.length]!, { limit: 5 }),
    };
    for (const [mode, search] of Object.entries(modes)) {
      for (let i = 0; i < 50; i++) await search(i); // warm-up
      const samples: number[] = [];
      const cpuBefore = process.cpuUsage();
      const runs = 500;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await search(i);
        samples.push(performance.now() - start);
      }
      const cpu = process.cpuUsage(cpuBefore);
      const latency: LatencySummary = summarise(samples);
      console.log(
        `${formatLatency(`${mode} search in process (store.search*, no MCP)`, latency)}; CPU ${((cpu.user + cpu.system) / 1000 / runs).toFixed(2)} ms per query`,
      );
    }
  } finally {
    await store.close();
  }
}
