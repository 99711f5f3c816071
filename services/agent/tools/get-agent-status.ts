/** `get_agent_status`: is the agent trading, how far behind it is, and how each broker answered. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../shared/redis-keys.js";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { AgentDeps } from "../deps.js";

export const AgentStatusSchema = z.object({
  agent_id: z.string(),
  backend: z.enum(["redis", "in-process"]),
  kill_switch: z.boolean(),
  processed: z.number(),
  pending: z.number(),
  trading_over_mcp: z.boolean(),
  brokers: z.array(z.object({ broker: z.string(), kind: z.string(), trading: z.boolean(), reachable: z.boolean(), latency_ms: z.number() })),
});

export function registerGetAgentStatusTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "get_agent_status",
    {
      title: "Strategy agent status",
      description: "Kill switch, signals processed and pending, whether MCP clients may trade, and each broker's reachability and latency.",
      inputSchema: {},
      outputSchema: AgentStatusSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(deps.logger, "get_agent_status", async () => {
        const [killSwitch, pending, health] = await Promise.all([
          deps.store.isKillSwitchOn(),
          deps.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP),
          Promise.all([...deps.brokers.values()].map(async (b) => ({ broker: b, health: await b.health() }))),
        ]);
        const data = {
          agent_id: deps.loop.agentId,
          backend: deps.config.REDIS_URL === undefined ? ("in-process" as const) : ("redis" as const),
          kill_switch: killSwitch,
          processed: deps.loop.processedCount,
          pending,
          trading_over_mcp: deps.config.AGENT_MCP_TRADING,
          brokers: health.map(({ broker, health: h }) => ({ broker: broker.name, kind: broker.kind, trading: broker.trading, reachable: h.reachable, latency_ms: h.latencyMs })),
        };
        const brokers = data.brokers.map((b) => `${b.broker} ${b.reachable ? "up" : "DOWN"}`).join(", ");
        return toolSuccess(data, `agent ${data.agent_id}: kill switch ${killSwitch ? "ON" : "off"}, ${data.processed} processed, ${pending} pending; brokers: ${brokers || "none"}`);
      }),
  );
}
