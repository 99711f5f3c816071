/** `get_risk_limits`: the limits that apply to a broker and symbol, after overrides. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { AgentDeps } from "../deps.js";
import { BrokerNameSchema, selectBrokers } from "./broker-name.js";

export function registerGetRiskLimitsTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "get_risk_limits",
    {
      title: "Risk limits",
      description: "The limits for a broker and symbol (symbol overrides broker overrides defaults), and the configured file as a whole.",
      inputSchema: { broker: BrokerNameSchema, symbol: z.string().min(1).max(32).describe("A symbol, e.g. EURUSD") },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ broker, symbol }) =>
      runTool(deps.logger, "get_risk_limits", async () => {
        selectBrokers(deps, broker);
        const limits = deps.governor.limits(broker, symbol);
        return toolSuccess({ broker, symbol, limits }, `limits for ${broker} ${symbol}: ${JSON.stringify(limits)}`);
      }),
  );
}
