/** Reads one article from disk through the path guard; shared by the tool and the resources. */
import { readFile } from "node:fs/promises";
import { resolveArticlePath } from "./article-path.js";
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
  const { file, bytes: size } = await resolveArticlePath(articlesRoot, requested);
  if (size > MAX_ARTICLE_BYTES) {
    throw new ArticleUnreadableError("ARTICLE_TOO_LARGE", `article is ${size} bytes, over the ${MAX_ARTICLE_BYTES}-byte limit`);
  }
  const parsed = parseArticle(requested, await readFile(file));
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
