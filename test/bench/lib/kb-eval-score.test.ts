import { describe, expect, it } from "vitest";
import { z } from "zod";
import { enumValues, formatScores, scoreQuery, scoreRun } from "../../../bench/lib/kb-eval-score.js";
import type { EvalQuery } from "../../../bench/lib/kb-eval-set.js";

const q = (id: string, kind: EvalQuery["kind"], relevant: Record<string, 1 | 2 | 3>): EvalQuery => ({
  id,
  query: `query ${id}`,
  kind,
  ...(kind === "filtered" && { category: "execution" }),
  relevant,
});

describe("scoring a run over the evaluation set", () => {
  const queries = [q("q001", "question", { "a/x": 3, "a/y": 2 }), q("q002", "identifier", { "b/z": 3 })];

  it("scores one query with nDCG@10, recall@5 over grade >= 2 and MRR", () => {
    // a/y (grade 2) at rank 1, a/x (grade 3) at rank 6: outside recall@5.
    const s = scoreQuery(queries[0]!, ["a/y", "n/1", "n/2", "n/3", "n/4", "a/x"]);
    const idcg = 7 + 3 / Math.log2(3);
    expect(s.ndcg10).toBeCloseTo((3 + 7 / Math.log2(7)) / idcg, 12);
    expect(s.recall5).toBe(0.5);
    expect(s.mrr).toBe(1);
  });

  it("averages over all queries and per kind", () => {
    const run = scoreRun(queries, new Map([["q001", ["a/x", "a/y"]], ["q002", ["n/1", "b/z"]]]));
    expect(run.overall.queries).toBe(2);
    expect(run.overall.ndcg10).toBeCloseTo((1 + 7 / Math.log2(3) / 7) / 2, 12);
    expect(run.overall.recall5).toBe(1);
    expect(run.overall.mrr).toBeCloseTo(0.75, 12);
    expect(run.byKind.question?.mrr).toBe(1);
    expect(run.byKind.identifier?.mrr).toBe(0.5);
    expect(run.byKind["error-code"]).toBeUndefined();
  });

  it("an empty result list scores 0, and a missing ranking is an error rather than a skipped query", () => {
    expect(scoreRun(queries.slice(1), new Map([["q002", []]])).overall.ndcg10).toBe(0);
    expect(() => scoreRun(queries, new Map([["q001", ["a/x"]]]))).toThrow(/no ranking for query q002/);
  });

  it("prints n/a for a score that is not a number", () => {
    expect(formatScores("x", { queries: 0, ndcg10: Number.NaN, recall5: 0.5, mrr: 1 })).toMatch(/nDCG@10\s+n\/a\s+recall@5 0\.500\s+MRR 1\.000/);
  });
});

describe("reading the modes and embedders from the schemas", () => {
  it("finds an enum through default and optional wrappers", () => {
    const schema = z.object({ mode: z.enum(["hybrid", "vector", "keyword"]).default("hybrid"), other: z.enum(["a"]).optional() });
    expect(enumValues(schema, "mode")).toEqual(["hybrid", "vector", "keyword"]);
    expect(enumValues(schema, "other")).toEqual(["a"]);
  });

  it("works on an object with a refinement, like KbEnvSchema", () => {
    const schema = z.object({ KB_EMBEDDER: z.enum(["use-lite", "openai"]).default("use-lite") }).superRefine(() => undefined);
    expect(enumValues(schema, "KB_EMBEDDER")).toEqual(["use-lite", "openai"]);
  });

  it("is undefined for a missing field or one that is not an enum", () => {
    const schema = z.object({ query: z.string(), limit: z.number().default(5) });
    expect(enumValues(schema, "mode")).toBeUndefined();
    expect(enumValues(schema, "query")).toBeUndefined();
    expect(enumValues(schema, "limit")).toBeUndefined();
  });
});
