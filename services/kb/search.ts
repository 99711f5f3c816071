/** Knowledge-base search: embed the query, ask the store for the best chunk per article. */
import type { Embedder } from "./embed/embedder.js";
import { NotIndexedError } from "./errors.js";
import type { ArticleHit, VectorStore } from "./stores/vector-store.js";

export interface SearchQuery {
  query: string;
  limit: number;
  category?: string;
}

export interface SearchResult {
  title: string;
  url: string;
  categories: string[];
  relevance_score: number;
  path: string;
  preview: string;
  /** Cosine similarity of the best chunk, rounded to 4 decimals. */
  score: number;
}

export const PREVIEW_CHARS = 280;

export async function searchKnowledgeBase(
  deps: { store: VectorStore; embedder: Embedder },
  query: SearchQuery,
): Promise<SearchResult[]> {
  const [vector] = await deps.embedder.embed([query.query]);
  const hits = await deps.store.searchArticles(vector!, {
    limit: query.limit,
    ...(query.category !== undefined && { category: query.category }),
  });
  if (hits.length === 0 && (await deps.store.stats()).points === 0) {
    throw new NotIndexedError(deps.store.collection);
  }
  return hits.map(toSearchResult);
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
  const body = chunkText.startsWith(title) ? chunkText.slice(title.length) : chunkText;
  const folded = body.replace(/\s+/g, " ").trim();
  if (folded.length <= PREVIEW_CHARS) return folded;
  const cut = folded.slice(0, PREVIEW_CHARS);
  const lastSpace = cut.lastIndexOf(" ");
  return `${cut.slice(0, lastSpace > PREVIEW_CHARS * 0.6 ? lastSpace : PREVIEW_CHARS)}…`;
}
