/** `quantmind index`: the incremental index run with a progress bar, a summary and a test query. */
import type { Logger } from "pino";
import { createProgressBar } from "../../shared/cli/progress.js";
import type { KbConfig } from "../config.js";
import type { KbDeps } from "../deps.js";
import { NothingIndexedError } from "../errors.js";
import type { IndexSummary } from "../indexer.js";
import { runKbIndex } from "../main.js";
import { searchKnowledgeBase } from "../search.js";

export async function indexWithProgress(config: KbConfig, deps: KbDeps, out: NodeJS.WritableStream): Promise<IndexSummary> {
  const bar = createProgressBar("indexing articles");
  let summary: IndexSummary;
  try {
    summary = await runKbIndex(config, deps, {
      onProgress: (p) => bar.update(p.articlesScanned, p.articlesTotal),
    });
  } finally {
    bar.stop();
  }
  out.write(formatSummary(summary));
  const total = summary.indexed.length + summary.unchanged + summary.skipped.length;
  if (summary.indexed.length + summary.unchanged === 0) {
    throw new NothingIndexedError(
      total === 0
        ? `no Markdown articles under ${deps.articlesRoot}: point KB_ARTICLES_DIR or --articles at your articles`
        : `none of the ${total} articles could be indexed (see the reasons above)`,
    );
  }
  return summary;
}

export function formatSummary(summary: IndexSummary): string {
  const seconds = summary.durationMs / 1000;
  const rate = summary.chunksEmbedded > 0 ? ` (${(summary.chunksEmbedded / seconds).toFixed(1)} chunks/s)` : "";
  const lines = [
    `indexed ${summary.indexed.length} articles, ${summary.chunksEmbedded} chunks in ${seconds.toFixed(1)} s${rate}`,
    `unchanged ${summary.unchanged}, skipped ${summary.skipped.length}, removed ${summary.removed.length}`,
    ...summary.skipped.map((s) => `  skipped ${s.path}: ${s.reason}`),
    ...summary.removed.map((p) => `  removed ${p}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** Runs one search so the operator sees the index answer; prints the top results. */
export async function printTestQuery(deps: KbDeps, query: string, out: NodeJS.WritableStream, logger?: Logger): Promise<void> {
  try {
    const { results } = await searchKnowledgeBase(deps, { query, limit: 3 });
    out.write(`test query "${query}":\n`);
    for (const [i, r] of results.entries()) out.write(`  ${i + 1}. ${r.title} (${r.path}, score ${r.score.toFixed(3)})\n`);
  } catch (error) {
    logger?.warn({ err: error }, "test query failed");
    out.write(`test query "${query}" failed: ${(error as Error).message}\n`);
  }
}
