/**
 * Scores one search configuration (an embedder and a mode) over the evaluation set: the mean
 * nDCG@10, recall@5 and MRR over all queries and per kind of query. Also reads which search
 * modes and embedders the knowledge base accepts from its own zod schemas, so the quality
 * bench measures what exists and names what does not, instead of guessing.
 */
import type { z } from "zod";
import { mean, ndcgAt, recallAt, reciprocalRank, type Grades } from "./ir-metrics.js";
import { QUERY_KINDS, type EvalQuery } from "./kb-eval-set.js";

export const NDCG_K = 10;
export const RECALL_K = 5;

export interface Scores {
  queries: number;
  ndcg10: number;
  recall5: number;
  mrr: number;
}

export interface RunScores {
  overall: Scores;
  byKind: Partial<Record<EvalQuery["kind"], Scores>>;
}

/** Per-query measures; `ranked` holds article ids, best first. */
export function scoreQuery(query: EvalQuery, ranked: readonly string[]): Omit<Scores, "queries"> {
  const grades: Grades = new Map(Object.entries(query.relevant));
  return { ndcg10: ndcgAt(ranked, grades, NDCG_K), recall5: recallAt(ranked, grades, RECALL_K), mrr: reciprocalRank(ranked, grades) };
}

/**
 * Means over the queries. Every query must have a ranking (an empty one for no results): a
 * query silently left out would raise the mean.
 */
export function scoreRun(queries: readonly EvalQuery[], rankings: ReadonlyMap<string, readonly string[]>): RunScores {
  const perQuery = queries.map((q) => {
    const ranked = rankings.get(q.id);
    if (ranked === undefined) throw new Error(`no ranking for query ${q.id}`);
    return { kind: q.kind, ...scoreQuery(q, ranked) };
  });
  const summarise = (rows: typeof perQuery): Scores => ({
    queries: rows.length,
    ndcg10: mean(rows.map((r) => r.ndcg10)),
    recall5: mean(rows.map((r) => r.recall5)),
    mrr: mean(rows.map((r) => r.mrr)),
  });
  const byKind: RunScores["byKind"] = {};
  for (const kind of QUERY_KINDS) {
    const rows = perQuery.filter((r) => r.kind === kind);
    if (rows.length > 0) byKind[kind] = summarise(rows);
  }
  return { overall: summarise(perQuery), byKind };
}

/**
 * The values of an enum field of a zod object schema, through optional/default wrappers;
 * undefined when the object has no such field or it is not an enum. This is how the bench
 * learns whether `search_knowledge_base` takes a `mode` and which `KB_EMBEDDER`s exist.
 */
export function enumValues(schema: z.ZodType, field: string): string[] | undefined {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  let inner: unknown = shape?.[field];
  for (let depth = 0; depth < 8 && inner !== undefined; depth++) {
    const options = (inner as { options?: unknown }).options;
    if (Array.isArray(options) && options.every((o) => typeof o === "string")) return options as string[];
    const unwrap = (inner as { unwrap?: () => unknown }).unwrap;
    if (typeof unwrap !== "function") return undefined;
    inner = unwrap.call(inner);
  }
  return undefined;
}

/** One line of the results table; NaN-safe formatting so a broken run cannot print as a score. */
export function formatScores(label: string, s: Scores): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "  n/a");
  return `${label.padEnd(28)} nDCG@10 ${f(s.ndcg10)}  recall@5 ${f(s.recall5)}  MRR ${f(s.mrr)}  (${s.queries} queries)`;
}
