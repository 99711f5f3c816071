/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): an article ranked r-th (from 1)
 * in a list scores 1 / (k + r) from it, summed over the lists. It needs no score calibration,
 * which is the point: cosine similarities and BM25 scores share no scale.
 */
import { compareStrings } from "./compare-strings.js";
import type { ArticleHit } from "./vector-store.js";

/** The constant of the original paper; larger k flattens the difference between top ranks. */
export const RRF_K = 60;

/**
 * How many articles each ranking contributes to a fusion for `limit` results: deep enough
 * that an article ranked well by one side and modestly by the other still surfaces.
 */
export function fusionDepth(limit: number): number {
  return Math.max(limit * 4, 50);
}

/**
 * Fuses per-article rankings (each best first, one hit per article) into the top `limit`;
 * an article keeps the hit of the first list it appears in. Ties go by path.
 */
export function fuseRankings(rankings: ArticleHit[][], limit: number, k = RRF_K): ArticleHit[] {
  const fused = new Map<string, { hit: ArticleHit; score: number }>();
  for (const ranking of rankings) {
    ranking.forEach((hit, index) => {
      const share = 1 / (k + index + 1);
      const entry = fused.get(hit.payload.path);
      if (entry) entry.score += share;
      else fused.set(hit.payload.path, { hit, score: share });
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || compareStrings(a.hit.payload.path, b.hit.payload.path))
    .slice(0, limit)
    .map(({ hit, score }) => ({ ...hit, score }));
}
