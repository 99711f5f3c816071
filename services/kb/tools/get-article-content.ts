/** `get_article_content`: one whole article by its path relative to the articles root. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import { MAX_ARTICLE_PATH_LENGTH } from "../article-path.js";
import type { KbDeps } from "../deps.js";
import { readArticle } from "../read-article.js";

export const GetArticleContentSchema = z.object({
  path: z
    .string()
    .min(1)
    .max(MAX_ARTICLE_PATH_LENGTH)
    .describe("The article's path relative to the articles root, as returned by search_knowledge_base"),
});

export const GetArticleContentOutputSchema = z.object({
  path: z.string(),
  title: z.string(),
  url: z.string(),
  categories: z.array(z.string()),
  relevance_score: z.number(),
  scraped_at: z.string().optional(),
  content: z.string(),
});

export function registerGetArticleContentTool(server: McpServer, deps: KbDeps): void {
  server.registerTool(
    "get_article_content",
    {
      title: "Read an article",
      description: "The full Markdown of one article, with its title, URL and categories.",
      inputSchema: GetArticleContentSchema,
      outputSchema: GetArticleContentOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }) =>
      runTool(deps.logger, "get_article_content", async () => {
        const article = await readArticle(deps.articlesRoot, path);
        const header = `# ${article.title}\nurl: ${article.url}\ncategories: ${article.categories.join(", ")}\n\n`;
        return toolSuccess({ ...article }, header + article.content);
      }),
  );
}
