/** `get_recent_events`: the newest orders, fills, refusals and dead letters from the event stream. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { agentKeys } from "../../shared/redis-keys.js";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { AgentDeps } from "../deps.js";

const EVENT_TYPES = ["order", "fill", "refusal", "rejection", "dead_letter", "no_change"] as const;

export function registerGetRecentEventsTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "get_recent_events",
    {
      title: "Recent agent events",
      description: "The newest events, newest first: orders, fills, refusals (with the limit and excess), rejections and dead letters.",
      inputSchema: {
        limit: z.number().int().min(1).max(500).default(50).describe("Most events to return (1-500)"),
        type: z.enum(EVENT_TYPES).optional().describe("Only events of this type"),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ limit, type }) =>
      runTool(deps.logger, "get_recent_events", async () => {
        // Filtering happens after the read, so read more when filtering (bounded).
        const entries = await deps.streams.recent(agentKeys.events, type === undefined ? limit : Math.min(limit * 20, 5000));
        const events = entries
          .map((entry): Record<string, unknown> => ({ id: entry.id, ...(JSON.parse(entry.payload) as Record<string, unknown>) }))
          .filter((event) => type === undefined || event.type === type)
          .slice(0, limit);
        return toolSuccess({ events }, `${events.length} event(s)\n${JSON.stringify(events, null, 2)}`);
      }),
  );
}
