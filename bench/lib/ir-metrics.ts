/**
 * Ranking-quality measures for the knowledge-base evaluation (bench/kb-quality.ts): nDCG@k with
 * graded relevance, recall@k and reciprocal rank. Pure functions over a ranked list of article
 * ids and the judged grades of one query; averaging over queries is the caller's job.
 *
 * Grades follow the evaluation set: 3 = the answer, 2 = very relevant, 1 = related, absent = 0.
 */

/** Article id -> grade (1..3) for one query. Unjudged articles count as grade 0. */
export type Grades = ReadonlyMap<string, number>;

/** The grade at and above which an article counts as relevant for recall and reciprocal rank. */
export const BINARY_RELEVANCE_GRADE = 2;

/**
 * Exponential gain, 2^grade - 1 (Burges et al. 2005): the answer (7) is worth clearly more
 * than a very relevant article (3), which is worth more than a related one (1).
 */
export function gain(grade: number): number {
  return grade > 0 ? 2 ** grade - 1 : 0;
}

/** Discounted cumulative gain of the first `k` results; rank r (1-based) is discounted by log2(r + 1). */
export function dcgAt(ranked: readonly string[], grades: Grades, k: number): number {
  checkK(k);
  let total = 0;
  firstOccurrences(ranked)
    .slice(0, k)
    .forEach((id, index) => {
      total += gain(id === null ? 0 : (grades.get(id) ?? 0)) / Math.log2(index + 2);
    });
  return total;
}

/**
 * DCG@k divided by the DCG of the ideal ordering of every judged article (not only the ones
 * retrieved), so missing a relevant article costs as much as ranking it low. 0 when the query
 * has no judged article (nothing can be ideal).
 */
export function ndcgAt(ranked: readonly string[], grades: Grades, k: number): number {
  const ideal = [...grades.entries()].filter(([, g]) => g > 0).sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const idealDcg = dcgAt(ideal, grades, k);
  return idealDcg === 0 ? 0 : dcgAt(ranked, grades, k) / idealDcg;
}

/**
 * Share of the relevant articles (grade >= minGrade) found in the first `k` results. The
 * denominator is every relevant article, so a query with more relevant articles than `k`
 * cannot reach 1; the evaluation set keeps at most five per query for that reason.
 */
export function recallAt(ranked: readonly string[], grades: Grades, k: number, minGrade = BINARY_RELEVANCE_GRADE): number {
  checkK(k);
  const relevant = [...grades.values()].filter((g) => g >= minGrade).length;
  if (relevant === 0) return 0;
  const found = firstOccurrences(ranked)
    .slice(0, k)
    .filter((id) => id !== null && (grades.get(id) ?? 0) >= minGrade).length;
  return found / relevant;
}

/** 1 / rank of the first relevant result (grade >= minGrade), 0 when none is ranked. */
export function reciprocalRank(ranked: readonly string[], grades: Grades, minGrade = BINARY_RELEVANCE_GRADE): number {
  const index = firstOccurrences(ranked).findIndex((id) => id !== null && (grades.get(id) ?? 0) >= minGrade);
  return index === -1 ? 0 : 1 / (index + 1);
}

/** Arithmetic mean; NaN for no values, so an empty run can never pass for a score. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * A repeated id earns nothing the second time (a result list must not score one article twice)
 * but keeps its rank, so the results after it are not moved up.
 */
function firstOccurrences(ranked: readonly string[]): (string | null)[] {
  const seen = new Set<string>();
  return ranked.map((id) => (seen.has(id) ? null : (seen.add(id), id)));
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
}
