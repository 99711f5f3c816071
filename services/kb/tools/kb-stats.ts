/** `kb_stats`: what the knowledge base holds and how it was built. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { KbDeps } from "../deps.js";

export const KbStatsOutputSchema = z.object({
  backend: z.enum(["embedded", "qdrant"]),
  collection: z.string(),
  points: z.number(),
  articles: z.number(),
  model: z.string().nullable(),
  dimension: z.number().nullable(),
  last_indexed_at: z.string().nullable(),
});

export function registerKbStatsTool(server: McpServer, deps: KbDeps): void {
  server.registerTool(
    "kb_stats",
    {
      title: "Knowledge-base statistics",
      description: "Backend, collection, number of chunks (points) and articles, embedding model and dimension, last index time.",
      inputSchema: {},
      outputSchema: KbStatsOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(deps.logger, "kb_stats", async () => {
        const [stats, meta] = await Promise.all([deps.store.stats(), deps.store.getCollectionMeta()]);
        const data = {
          backend: deps.store.backend,
          collection: deps.store.collection,
          points: stats.points,
          articles: stats.articles,
          model: meta?.model ?? null,
          dimension: meta?.dimension ?? null,
          last_indexed_at: stats.lastIndexedAt ?? null,
        };
        const text =
          `${data.articles} articles in ${data.points} chunks (${data.backend} collection ${data.collection}); ` +
          `model ${data.model ?? "none"} (${data.dimension ?? "?"} dims); last indexed ${data.last_indexed_at ?? "never"}`;
        return toolSuccess(data, text);
      }),
  );
}
