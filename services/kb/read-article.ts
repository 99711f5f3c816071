/** Reads one article from disk through the path guard; shared by the tool and the resources. */
import type { FileHandle } from "node:fs/promises";
import { openArticle } from "./article-path.js";
import { parseArticle } from "./articles.js";
import { ArticleUnreadableError } from "./errors.js";

export interface ArticleContent {
  path: string;
  title: string;
  url: string;
  categories: string[];
  relevance_score: number;
  scraped_at?: string;
  /** The Markdown body, without the frontmatter. */
  content: string;
}

/** Largest article served, so one huge file cannot exhaust memory or a client's context. */
export const MAX_ARTICLE_BYTES = 2 * 1024 * 1024;

export async function readArticle(articlesRoot: string, requested: string): Promise<ArticleContent> {
  const parsed = parseArticle(requested, await readArticleBytes(articlesRoot, requested));
  if (!parsed.ok) throw new ArticleUnreadableError("ARTICLE_MALFORMED", `article cannot be read: ${parsed.reason}`);
  const { article } = parsed;
  return {
    path: article.path,
    title: article.title,
    url: article.url,
    categories: article.categories,
    relevance_score: article.relevanceScore,
    ...(article.scrapedAt !== undefined && { scraped_at: article.scrapedAt }),
    content: article.body,
  };
}

/** The article's bytes, read from the descriptor the guard checked; refused over MAX_ARTICLE_BYTES. */
export async function readArticleBytes(articlesRoot: string, requested: string): Promise<Buffer> {
  const { handle, bytes: size } = await openArticle(articlesRoot, requested);
  try {
    if (size > MAX_ARTICLE_BYTES) throw tooLarge(size);
    // One byte more than measured tells whether it grew since; only then is the full bound read.
    let bytes = await readUpTo(handle, size + 1);
    if (bytes.length > size) bytes = await readUpTo(handle, MAX_ARTICLE_BYTES + 1);
    // The file may have grown since it was measured.
    if (bytes.length > MAX_ARTICLE_BYTES) throw tooLarge(bytes.length);
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readUpTo(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    const { bytesRead } = await handle.read(buffer, filled, limit - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function tooLarge(size: number): ArticleUnreadableError {
  return new ArticleUnreadableError("ARTICLE_TOO_LARGE", `article is ${size} bytes or more, over the ${MAX_ARTICLE_BYTES}-byte limit`);
}
