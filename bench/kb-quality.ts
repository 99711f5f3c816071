/**
 * `npm run bench -- kb-quality`: does the knowledge base return the right articles? Indexes the
 * bundled corpus once per embedder, runs every query of data/kb-eval/queries.yaml through the
 * in-process search (`searchKnowledgeBase`, as the MCP tool calls it) in every search mode the
 * tool's schema accepts, and prints nDCG@10, recall@5 and MRR, overall and per kind of query.
 *
 * Modes and embedders are read from the service's own schemas (`mode` on search_knowledge_base,
 * `KB_EMBEDDER`): one the code does not offer yet is reported as not measured, never scored.
 * `openai` is measured only when EMBEDDINGS_URL (and EMBEDDINGS_MODEL) are set.
 *
 *   KB_QUALITY_EMBEDDERS=use-lite   only these embedders (comma-separated)
 *   KB_QUALITY_VERBOSE=1            per query: rank of the first grade-3 article in each run
 */
import path from "node:path";
import { BUNDLED_ARTICLES_DIR, KbEnvSchema, loadKbConfig } from "../services/kb/config.js";
import { closeKbDeps, createKbDeps, runKbIndex } from "../services/kb/main.js";
import { searchKnowledgeBase } from "../services/kb/search.js";
import { SearchKnowledgeBaseSchema } from "../services/kb/tools/search-knowledge-base.js";
import { createLogger } from "../services/shared/logger.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { enumValues, formatScores, scoreRun, type RunScores } from "./lib/kb-eval-score.js";
import { articleId, EVAL_QUERIES_FILE, loadEvalSet, QUERY_KINDS, type EvalQuery } from "./lib/kb-eval-set.js";
import { machine, timed } from "./lib/stats.js";

/** The modes issue 15 asks for; any the tool's schema lacks is printed as not measured. */
const WANTED_MODES = ["vector", "keyword", "hybrid"];
/** The offline embedders issue 15 compares; one KB_EMBEDDER does not accept is printed as not measured. */
const WANTED_EMBEDDERS = ["use-lite", "static"];
/** What search does when the tool has no `mode` option: embedding similarity only. */
const IMPLICIT_MODE = "vector";
const RESULTS_PER_QUERY = 10;

type SearchArgs = Parameters<typeof searchKnowledgeBase>[1];

interface Run {
  embedder: string;
  mode: string;
  scores: RunScores;
  rankings: Map<string, string[]>;
}

export async function benchKbQuality(): Promise<void> {
  const queries = await loadEvalSet(EVAL_QUERIES_FILE, BUNDLED_ARTICLES_DIR);
  const toolModes = enumValues(SearchKnowledgeBaseSchema, "mode");
  const modes = toolModes ?? [IMPLICIT_MODE];
  const embedders = selectEmbedders(enumValues(KbEnvSchema, "KB_EMBEDDER") ?? ["use-lite"]);

  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`evaluation set: ${queries.length} queries (${kindCounts(queries)}), corpus ${BUNDLED_ARTICLES_DIR}`);
  console.log(`search modes: ${toolModes ? toolModes.join(", ") : `no mode option on search_knowledge_base yet (search is ${IMPLICIT_MODE})`}`);
  console.log(`embedders: ${embedders.measured.join(", ")}${embedders.skipped.length ? `; not measured: ${embedders.skipped.join("; ")}` : ""}`);

  const runs: Run[] = [];
  const temp = await makeTempDir("qm-kb-quality-");
  try {
    for (const embedder of embedders.measured) {
      runs.push(...(await measureEmbedder(embedder, modes, queries, path.join(temp.dir, embedder), toolModes !== undefined)));
    }
  } finally {
    await temp.remove();
  }

  console.log("\nresults (mean over queries; recall@5 and MRR count grade >= 2 as relevant):");
  for (const run of runs) {
    console.log(formatScores(`${run.embedder} / ${run.mode}`, run.scores.overall));
    for (const kind of QUERY_KINDS) {
      const scores = run.scores.byKind[kind];
      if (scores) console.log(formatScores(`    ${kind}`, scores));
    }
  }
  for (const embedder of embedders.measured) {
    for (const mode of WANTED_MODES.filter((m) => !modes.includes(m))) {
      console.log(`${`${embedder} / ${mode}`.padEnd(28)} not measured: search_knowledge_base has no mode ${JSON.stringify(mode)} yet`);
    }
  }
  warnIfModesIdentical(runs);
  if (process.env.KB_QUALITY_VERBOSE === "1") printPerQuery(queries, runs);
}

async function measureEmbedder(embedder: string, modes: string[], queries: EvalQuery[], dataDir: string, passMode: boolean): Promise<Run[]> {
  const env = { ...pickEmbedderEnv(), QM_DATA_DIR: dataDir, KB_ARTICLES_DIR: BUNDLED_ARTICLES_DIR, KB_EMBEDDER: embedder, LOG_LEVEL: "warn" };
  const config = loadKbConfig(env);
  const logger = createLogger("bench", { level: "warn" });

  const indexDeps = await createKbDeps(config, logger, "index");
  try {
    const [summary, ms] = await timed(() => runKbIndex(config, indexDeps));
    if (summary.skipped.length > 0) throw new Error(`articles not indexed: ${summary.skipped.map((s) => s.path).join(", ")}`);
    console.log(`${embedder}: indexed ${summary.indexed.length} articles, ${summary.chunksEmbedded} chunks in ${(ms / 1000).toFixed(1)} s`);
  } finally {
    await closeKbDeps(indexDeps);
  }

  // Searched as the server does: deps built for serving, over the index just written.
  const deps = await createKbDeps(config, logger, "serve");
  try {
    const runs: Run[] = [];
    for (const mode of modes) {
      const rankings = new Map<string, string[]>();
      const [, ms] = await timed(async () => {
        for (const q of queries) {
          const args = {
            query: q.query,
            limit: RESULTS_PER_QUERY,
            ...(q.category !== undefined && { category: q.category }),
            ...(passMode && { mode }),
          } as SearchArgs;
          const { results } = await searchKnowledgeBase(deps, args);
          rankings.set(q.id, results.map((r) => articleId(r.path)));
        }
      });
      console.log(`${embedder} / ${mode}: ${queries.length} queries in ${(ms / 1000).toFixed(1)} s`);
      runs.push({ embedder, mode, scores: scoreRun(queries, rankings), rankings });
    }
    return runs;
  } finally {
    await closeKbDeps(deps);
  }
}

/** Every embedder the config accepts, minus those that need an endpoint nobody configured. */
function selectEmbedders(all: string[]): { measured: string[]; skipped: string[] } {
  const wanted = process.env.KB_QUALITY_EMBEDDERS?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted?.filter((w) => !all.includes(w)) ?? [];
  if (unknown.length > 0) throw new Error(`KB_QUALITY_EMBEDDERS names unknown embedder(s) ${unknown.join(", ")}; KB_EMBEDDER accepts ${all.join(", ")}`);
  const measured: string[] = [];
  const skipped = WANTED_EMBEDDERS.filter((name) => !all.includes(name)).map((name) => `${name} (KB_EMBEDDER does not offer it yet)`);
  for (const name of wanted ?? all) {
    if (name === "openai" && (process.env.EMBEDDINGS_URL === undefined || process.env.EMBEDDINGS_MODEL === undefined)) {
      skipped.push("openai (set EMBEDDINGS_URL and EMBEDDINGS_MODEL)");
    } else measured.push(name);
  }
  return { measured, skipped };
}

function pickEmbedderEnv(): Record<string, string> {
  const names = ["EMBEDDINGS_URL", "EMBEDDINGS_MODEL", "EMBEDDINGS_API_KEY", "EMBEDDINGS_DIMENSION"];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] !== undefined ? [[n, process.env[n]!]] : [])));
}

function kindCounts(queries: EvalQuery[]): string {
  return QUERY_KINDS.map((k) => `${queries.filter((q) => q.kind === k).length} ${k}`).join(", ");
}

/** Identical rankings in every mode would mean the mode is accepted but ignored. */
function warnIfModesIdentical(runs: Run[]): void {
  for (const embedder of new Set(runs.map((r) => r.embedder))) {
    const own = runs.filter((r) => r.embedder === embedder);
    if (own.length < 2) continue;
    const first = JSON.stringify([...own[0]!.rankings]);
    if (own.every((r) => JSON.stringify([...r.rankings]) === first)) {
      console.log(`WARNING ${embedder}: every mode returned identical rankings for every query; is the mode option ignored?`);
    }
  }
}

function printPerQuery(queries: EvalQuery[], runs: Run[]): void {
  console.log(`\nrank of the first grade-3 article (- = not in the top ${RESULTS_PER_QUERY}); runs: ${runs.map((r) => `${r.embedder}/${r.mode}`).join(" | ")}`);
  for (const q of queries) {
    const answers = new Set(Object.entries(q.relevant).filter(([, g]) => g === 3).map(([id]) => id));
    const ranks = runs.map((r) => {
      const index = r.rankings.get(q.id)!.findIndex((id) => answers.has(id));
      return index === -1 ? "-" : String(index + 1);
    });
    console.log(`${q.id} ${ranks.join(" | ").padEnd(runs.length * 4)} ${q.kind.padEnd(10)} ${q.query}${q.category ? ` [${q.category}]` : ""}`);
  }
}
