/**
 * Article search over the embedded store: exact scoring when the candidate set is small, HNSW
 * otherwise, always grouped to the best chunk per article.
 */
import { compareStrings } from "./compare-strings.js";
import type { HnswIndex } from "./hnsw-index.js";
import type { KeywordIndex } from "./keyword-index.js";
import { copyPayload } from "./payload-schema.js";
import type { PointTable } from "./point-table.js";
import type { ArticleHit } from "./vector-store.js";

/** How a search is carried out; see EmbeddedStoreOptions for the defaults. */
export interface SearchTuning {
  /** Candidate sets up to this many points are scored exactly instead of through HNSW. */
  exactThreshold: number;
  /** First HNSW round asks for limit * oversample chunks. */
  oversample: number;
}

interface Best {
  row: number;
  score: number;
  chunkIndex: number;
}

/**
 * The best chunk of each of the `limit` articles closest to the unit vector `query`, restricted
 * to `category` when given. Sorted by score desc, ties by path.
 */
export function searchTable(
  table: PointTable,
  index: HnswIndex,
  query: Float32Array,
  limit: number,
  category: string | undefined,
  tuning: SearchTuning,
): ArticleHit[] {
  if (limit <= 0) return [];
  const candidates = category === undefined ? undefined : table.categories.get(category);
  if (category !== undefined && !candidates) return [];
  const total = candidates ? candidates.size : table.size;
  if (total === 0) return [];
  if (total <= tuning.exactThreshold) {
    return toHits(table, exactBest(table, query, candidates ?? table.liveRows()), limit);
  }

  // Asking for more chunks than articles wanted, since one article's chunks can crowd the top-k;
  // doubling until enough distinct articles come back keeps the common case to one round.
  const filter = candidates ? (row: number) => candidates.has(row) : undefined;
  let available: number | undefined;
  let k = Math.min(total, limit * tuning.oversample);
  for (;;) {
    const groups = new Map<string, Best>();
    for (const { row, score } of index.search(query, k, filter)) {
      const point = table.at(row);
      if (point) keepBest(groups, point.payload.path, { row, score, chunkIndex: point.payload.chunkIndex });
    }
    if (groups.size >= limit) return toHits(table, groups, limit);
    available ??= candidates ? distinctPaths(table, candidates) : table.paths.size;
    if (groups.size >= available) return toHits(table, groups, limit);
    // HNSW is approximate: when even k = all candidates misses articles, fall back to exact.
    if (k >= total) return toHits(table, exactBest(table, query, candidates ?? table.liveRows()), limit);
    k = Math.min(total, k * 2);
  }
}

/**
 * The best chunk of each of the `limit` articles ranked highest by BM25 for `text`, restricted
 * to `category` when given (filtered before ranking, so `limit` articles come back whenever
 * that many match). Sorted by score desc, ties by path.
 */
export function keywordSearchTable(
  table: PointTable,
  keywords: KeywordIndex,
  text: string,
  limit: number,
  category: string | undefined,
): ArticleHit[] {
  if (limit <= 0) return [];
  const candidates = category === undefined ? undefined : table.categories.get(category);
  if (category !== undefined && !candidates) return [];
  // The index ranks articles itself (keyword-index.ts); its rows are the table's rows.
  const hits = keywords.search(text, limit, candidates && ((row) => candidates.has(row)));
  return hits.map(({ row, score }) => {
    const point = table.at(row)!;
    return { id: point.id, score, payload: copyPayload(point.payload) };
  });
}

function exactBest(table: PointTable, query: Float32Array, rows: Iterable<number>): Map<string, Best> {
  const groups = new Map<string, Best>();
  for (const row of rows) {
    const point = table.at(row);
    if (!point) continue;
    keepBest(groups, point.payload.path, { row, score: table.score(query, row), chunkIndex: point.payload.chunkIndex });
  }
  return groups;
}

/** Keeps the higher-scoring chunk; on equal scores the earlier chunk, so results are deterministic. */
function keepBest(groups: Map<string, Best>, path: string, candidate: Best): void {
  const current = groups.get(path);
  if (
    !current ||
    candidate.score > current.score ||
    (candidate.score === current.score && candidate.chunkIndex < current.chunkIndex)
  ) {
    groups.set(path, candidate);
  }
}

function distinctPaths(table: PointTable, rows: ReadonlySet<number>): number {
  const paths = new Set<string>();
  for (const row of rows) {
    const point = table.at(row);
    if (point) paths.add(point.payload.path);
  }
  return paths.size;
}

function toHits(table: PointTable, groups: Map<string, Best>, limit: number): ArticleHit[] {
  return [...groups.entries()]
    .sort(([pathA, a], [pathB, b]) => b.score - a.score || compareStrings(pathA, pathB))
    .slice(0, limit)
    .map(([, best]) => {
      const point = table.at(best.row)!;
      return { id: point.id, score: best.score, payload: copyPayload(point.payload) };
    });
}
