/** `list_categories`: every category with the number of articles in it. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { KbDeps } from "../deps.js";

export const ListCategoriesOutputSchema = z.object({
  categories: z.array(z.object({ category: z.string(), articles: z.number() })),
});

export function registerListCategoriesTool(server: McpServer, deps: KbDeps): void {
  server.registerTool(
    "list_categories",
    {
      title: "List categories",
      description: "Categories of the knowledge base with their article counts; use one as search_knowledge_base's category.",
      inputSchema: {},
      outputSchema: ListCategoriesOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(deps.logger, "list_categories", async () => {
        const categories = await deps.store.listCategories();
        const text =
          categories.length === 0
            ? "No categories: the knowledge base is empty."
            : categories.map((c) => `${c.category}: ${c.articles}`).join("\n");
        return toolSuccess({ categories }, text);
      }),
  );
}
