/** The agent's MCP server: read-only tools, and the two trading tools guarded by AGENT_MCP_TRADING. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { PACKAGE_VERSION } from "../shared/package-root.js";
import type { AgentDeps } from "./deps.js";
import { registerGetAgentStatusTool } from "./tools/get-agent-status.js";
import { registerGetOpenOrdersTool, registerGetPositionsTool } from "./tools/get-positions.js";
import { registerGetRecentEventsTool } from "./tools/get-recent-events.js";
import { registerGetRiskLimitsTool } from "./tools/get-risk-limits.js";
import { registerSetKillSwitchTool, registerSubmitSignalTool } from "./tools/trading-tools.js";

export function createAgentMcpServer(deps: AgentDeps): McpServer {
  const server = new McpServer({ name: "quantmind-agent", version: PACKAGE_VERSION });
  registerGetAgentStatusTool(server, deps);
  registerGetPositionsTool(server, deps);
  registerGetOpenOrdersTool(server, deps);
  registerGetRecentEventsTool(server, deps);
  registerGetRiskLimitsTool(server, deps);
  registerSubmitSignalTool(server, deps);
  registerSetKillSwitchTool(server, deps);
  return server;
}
