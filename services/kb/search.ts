/**
 * Knowledge-base search: embed the query and/or match its keywords, ask the store for the best
 * chunk per article.
 */
import type { Embedder } from "./embed/embedder.js";
import { NotIndexedError } from "./errors.js";
import type { ArticleHit, ArticleSearchOptions, SearchMode, VectorStore } from "./stores/vector-store.js";

/**
 * The mode a search uses when none is asked for: the one place to change it. Keyword (BM25) won
 * the evaluation set (`npm run bench -- kb-quality`, 136 graded queries): nDCG@10 0.834 against
 * hybrid 0.747 and vector 0.573. Hybrid is ahead only on the 18 paraphrased questions (0.579 vs
 * 0.559), so re-run the evaluation with real queries before changing this.
 */
export const DEFAULT_SEARCH_MODE: SearchMode = "keyword";

export interface SearchQuery {
  query: string;
  limit: number;
  category?: string;
  /** Default DEFAULT_SEARCH_MODE. */
  mode?: SearchMode;
}

export interface SearchResult {
  title: string;
  url: string;
  categories: string[];
  relevance_score: number;
  path: string;
  preview: string;
  /**
   * The best chunk's score, rounded to 4 decimals: cosine similarity (vector), BM25 (keyword)
   * or reciprocal-rank-fusion score (hybrid). Compare scores within one result list only.
   */
  score: number;
}

export const PREVIEW_CHARS = 280;

export interface SearchOutcome {
  results: SearchResult[];
  /** True when the query was longer than the model's window and only its start was embedded. */
  queryTruncated: boolean;
  mode: SearchMode;
}

export async function searchKnowledgeBase(
  deps: { store: VectorStore; embedder: Embedder },
  query: SearchQuery,
): Promise<SearchOutcome> {
  const mode = query.mode ?? DEFAULT_SEARCH_MODE;
  const options: ArticleSearchOptions = {
    limit: query.limit,
    ...(query.category !== undefined && { category: query.category }),
  };
  let hits: ArticleHit[];
  let queryTruncated = false;
  if (mode === "keyword") {
    hits = await deps.store.searchKeywords(query.query, options);
  } else {
    const fitted = fitToWindow(query.query, deps.embedder);
    queryTruncated = fitted !== query.query;
    const [vector] = await deps.embedder.embed([fitted]);
    // Keywords match the whole query: only the embedding has a window.
    hits =
      mode === "hybrid"
        ? await deps.store.searchHybrid(vector!, query.query, options)
        : await deps.store.searchArticles(vector!, options);
  }
  if (hits.length === 0 && (await deps.store.stats()).points === 0) {
    throw new NotIndexedError(deps.store.collection);
  }
  return { results: hits.map(toSearchResult), queryTruncated, mode };
}

/**
 * The longest word prefix of `query` that fits the model's window. A long question still
 * searches on its opening words rather than failing; the result says it was shortened.
 */
export function fitToWindow(query: string, embedder: Pick<Embedder, "countTokens" | "maxInputTokens">): string {
  if (embedder.countTokens(query) <= embedder.maxInputTokens) return query;
  const words = query.split(/\s+/);
  let low = 0;
  let high = words.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (embedder.countTokens(words.slice(0, mid).join(" ")) <= embedder.maxInputTokens) low = mid;
    else high = mid - 1;
  }
  return words.slice(0, low).join(" ");
}

function toSearchResult(hit: ArticleHit): SearchResult {
  const { payload } = hit;
  return {
    title: payload.title,
    url: payload.url,
    categories: payload.categories,
    relevance_score: payload.relevanceScore,
    path: payload.path,
    preview: preview(payload.text, payload.title),
    score: Math.round(hit.score * 10_000) / 10_000,
  };
}

/** The chunk without its title heading, whitespace folded, cut at a word near PREVIEW_CHARS. */
export function preview(chunkText: string, title: string): string {
  const headingEnd = chunkText.indexOf("\n\n");
  // The indexer puts the title (shortened with "…" when long) on each chunk's first line.
  const heading = headingEnd === -1 ? "" : chunkText.slice(0, headingEnd).replace(/…$/, "");
  const body = heading && title.startsWith(heading) ? chunkText.slice(headingEnd) : chunkText;
  const folded = body.replace(/\s+/g, " ").trim();
  if (folded.length <= PREVIEW_CHARS) return folded;
  const cut = folded.slice(0, PREVIEW_CHARS);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > PREVIEW_CHARS * 0.6 ? lastSpace : PREVIEW_CHARS)}…`;
}
