/**
 * Indexing throughput: the real indexer, with the default offline model, over at least 2,000
 * chunks (copies of the sample corpus under distinct paths), into a fresh embedded store.
 * Reports chunks/s and tokens/s, then the time of an unchanged re-run (nothing to embed).
 */
import { cp } from "node:fs/promises";
import path from "node:path";
import { BUNDLED_ARTICLES_DIR, loadKbConfig } from "../services/kb/config.js";
import { closeKbDeps, createKbDeps, runKbIndex } from "../services/kb/main.js";
import { createLogger } from "../services/shared/logger.js";
import { createProgressBar } from "../services/shared/cli/progress.js";
import { listArticleFiles } from "../services/kb/articles.js";
import { timed } from "./lib/stats.js";

export interface IndexBenchResult {
  embedder: "use-lite" | "static";
  workers: number;
  articles: number;
  chunks: number;
  seconds: number;
  /** CPU time of the whole process (all threads) during the run: the machine is shared, wall time is noisy. */
  cpuSeconds: number;
  chunksPerSecond: number;
  rerunSeconds: number;
}

/** Builds `<root>/<category>/copy-NN/<file>`: the first folder stays the category. */
export async function buildBenchCorpus(root: string, copies: number): Promise<void> {
  for (const relative of await listArticleFiles(BUNDLED_ARTICLES_DIR)) {
    const [category, ...rest] = relative.split("/");
    for (let copy = 0; copy < copies; copy++) {
      const target = path.join(root, category!, `copy-${String(copy).padStart(2, "0")}`, ...rest);
      await cp(path.join(BUNDLED_ARTICLES_DIR, relative), target);
    }
  }
}

export async function benchIndexing(options: {
  dataDir: string;
  articlesDir: string;
  workers: number;
  /** Default use-lite. */
  embedder?: "use-lite" | "static";
}): Promise<IndexBenchResult> {
  const embedder = options.embedder ?? "use-lite";
  const config = loadKbConfig({
    KB_EMBEDDER: embedder,
    QM_DATA_DIR: options.dataDir,
    KB_ARTICLES_DIR: options.articlesDir,
    KB_EMBED_WORKERS: String(options.workers),
    LOG_LEVEL: "warn",
  });
  const deps = await createKbDeps(config, createLogger("bench", { level: "warn" }), "index");
  try {
    const bar = createProgressBar(`indexing (${options.workers} worker${options.workers > 1 ? "s" : ""})`);
    const cpuBefore = process.cpuUsage();
    const [summary, ms] = await timed(() => runKbIndex(config, deps, { onProgress: (p) => bar.update(p.chunksEmbedded, p.chunksPlanned) }));
    const cpu = process.cpuUsage(cpuBefore);
    bar.stop();
    const [, rerunMs] = await timed(() => runKbIndex(config, deps));
    return {
      embedder,
      workers: options.workers,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      articles: summary.indexed.length,
      chunks: summary.chunksEmbedded,
      seconds: ms / 1000,
      chunksPerSecond: summary.chunksEmbedded / (ms / 1000),
      rerunSeconds: rerunMs / 1000,
    };
  } finally {
    await closeKbDeps(deps);
  }
}
