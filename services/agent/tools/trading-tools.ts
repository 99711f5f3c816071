/**
 * `submit_signal` and `set_kill_switch`: the two tools that change what the agent does. Both are
 * refused unless AGENT_MCP_TRADING=true, so a leaked read key cannot trade.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolFailure, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { AgentDeps } from "../deps.js";
import { SignalSchema } from "../signal.js";

const DISABLED = "trading over MCP is off: set AGENT_MCP_TRADING=true on the agent to allow this tool";

export function registerSubmitSignalTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "submit_signal",
    {
      title: "Submit a trading signal",
      description:
        "Sends one signal through the agent's stream, risk governor and broker, and returns its outcome (placed, refused with the limit, rejected, dead letter). Refused unless AGENT_MCP_TRADING=true.",
      // created_at defaults to now for clients.
      inputSchema: {
        signal: z.object({ ...SignalSchema.shape, created_at: z.number().int().min(0).optional() }).strict(),
        wait_ms: z.number().int().min(0).max(30_000).default(5000).describe("How long to wait for the outcome (0-30000 ms)"),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    ({ signal, wait_ms }) =>
      runTool(deps.logger, "submit_signal", async () => {
        if (!deps.config.AGENT_MCP_TRADING) return toolFailure("TRADING_OVER_MCP_DISABLED", DISABLED);
        const parsed = SignalSchema.safeParse({ ...signal, created_at: signal.created_at ?? Date.now() });
        if (!parsed.success) return toolFailure("SIGNAL_INVALID", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
        const outcome = await deps.submitSignal(parsed.data, wait_ms);
        if (outcome === undefined) return toolSuccess({ signal_id: parsed.data.id, status: "pending" }, `signal ${parsed.data.id} queued; no outcome within ${wait_ms} ms (get_recent_events shows it later)`);
        return toolSuccess({ ...outcome }, `signal ${parsed.data.id}: ${outcome.status}\n${JSON.stringify(outcome, null, 2)}`);
      }),
  );
}

export function registerSetKillSwitchTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "set_kill_switch",
    {
      title: "Kill switch",
      description: "On: every new order is refused from the next signal on, in every agent sharing this Redis. Off: trading resumes. Refused unless AGENT_MCP_TRADING=true.",
      inputSchema: { on: z.boolean(), reason: z.string().min(1).max(200).default("set over MCP") },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ on, reason }) =>
      runTool(deps.logger, "set_kill_switch", async () => {
        if (!deps.config.AGENT_MCP_TRADING) return toolFailure("TRADING_OVER_MCP_DISABLED", DISABLED);
        await deps.store.setKillSwitch(on, reason);
        deps.metrics.killSwitch.set(on ? 1 : 0);
        deps.logger.warn({ on, reason }, "kill switch set over MCP");
        return toolSuccess({ kill_switch: on }, `kill switch ${on ? "ON: every new order is refused" : "off: trading resumes"}`);
      }),
  );
}
