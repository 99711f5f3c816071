/** `search_knowledge_base`: vector, keyword or hybrid search, one result per article (its best chunk). */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { KbDeps } from "../deps.js";
import { DEFAULT_SEARCH_MODE, searchKnowledgeBase, type SearchResult } from "../search.js";
import { SEARCH_MODES } from "../stores/vector-store.js";

export const SearchKnowledgeBaseSchema = z.object({
  query: z.string().min(1).max(1000).describe("What to look for, in natural language (1-1000 characters)"),
  limit: z.number().int().min(1).max(50).default(5).describe("Number of articles to return (1-50, default 5)"),
  category: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Only articles in this category (see list_categories)"),
  mode: z
    .enum(SEARCH_MODES)
    .default(DEFAULT_SEARCH_MODE)
    .describe(
      `How to match: "vector" (meaning), "keyword" (exact terms and identifiers such as OrderSend, ORDER_FILLING_FOK, 10030) ` +
        `or "hybrid" (both, fused by rank); default "${DEFAULT_SEARCH_MODE}"`,
    ),
});

export const SearchKnowledgeBaseOutputSchema = z.object({
  query: z.string(),
  mode: z.enum(SEARCH_MODES),
  /** Present when the query was longer than the model's window and only its start was searched. */
  query_truncated: z.boolean().optional(),
  count: z.number(),
  results: z.array(
    z.object({
      title: z.string(),
      url: z.string(),
      categories: z.array(z.string()),
      relevance_score: z.number(),
      path: z.string(),
      preview: z.string(),
      score: z.number(),
    }),
  ),
});

export function registerSearchKnowledgeBaseTool(server: McpServer, deps: KbDeps): void {
  server.registerTool(
    "search_knowledge_base",
    {
      title: "Search the knowledge base",
      description:
        "Search the MQL5 and trading-system articles by meaning, by exact keywords, or both (mode). Returns the best-matching articles, " +
        "one result per article, with a preview; read a whole article with get_article_content(path).",
      inputSchema: SearchKnowledgeBaseSchema,
      outputSchema: SearchKnowledgeBaseOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(deps.logger, "search_knowledge_base", async () => {
        const { results, queryTruncated, mode } = await searchKnowledgeBase(deps, args);
        const data = { query: args.query, mode, ...(queryTruncated && { query_truncated: true }), count: results.length, results };
        const note = queryTruncated ? "\n(The query was longer than the model's input window; only its start was searched.)" : "";
        return toolSuccess(data, formatResults(args.query, results) + note);
      }),
  );
}

function formatResults(query: string, results: SearchResult[]): string {
  if (results.length === 0) return `No articles match "${query}".`;
  const lines = results.map(
    (r, i) =>
      `${i + 1}. ${r.title} (score ${r.score.toFixed(3)})\n   path: ${r.path}\n   url: ${r.url}\n` +
      `   categories: ${r.categories.join(", ")}\n   ${r.preview}`,
  );
  return `${results.length} article(s) for "${query}":\n\n${lines.join("\n\n")}`;
}
