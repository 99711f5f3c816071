/**
 * Registers every QuantConnect tool on an MCP server. All are registered, whatever the
 * configuration, so a call to a tool this server does not offer gets a clear reason
 * (TOOLSET_DISABLED, LIVE_TRADING_DISABLED) instead of "not found"; which ones are *listed* is
 * tool-list.ts's business.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { runTool, toolSuccess } from "../shared/mcp/tool-result.js";
import type { QcDeps } from "./deps.js";
import { LiveTradingDisabledError, ToolsetDisabledError } from "./errors.js";
import { QC_TOOLS } from "./tools/all-tools.js";
import { annotationsFor, isRepeatable, type QcTool, type QcToolContext, type QcToolOutput } from "./tools/qc-tool.js";

/** Registers the tools; with `only`, just those (a per-request server needs only the ones it is asked to call). */
export function registerQcTools(server: McpServer, deps: QcDeps, serverVersion: string, only?: ReadonlySet<string>): void {
  const ctx: QcToolContext = { client: deps.client, agentName: deps.agentName, serverVersion };
  for (const tool of QC_TOOLS) {
    if (only && !only.has(tool.name)) continue;
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input(), annotations: annotationsFor(tool) },
      (args: Record<string, unknown>) => runTool(deps.logger, tool.name, () => callQcTool(tool, args, deps, ctx)),
    );
  }
}

/** Runs one tool: the gates, then its QuantConnect call, then the result in the MCP shape. */
export async function callQcTool(tool: QcTool, args: Record<string, unknown>, deps: QcDeps, ctx: QcToolContext): Promise<CallToolResult> {
  if (!deps.toolsets.includes(tool.toolset)) throw new ToolsetDisabledError(tool.name, tool.toolset);
  if (tool.liveTrading && !deps.liveTrading) throw new LiveTradingDisabledError(tool.name);
  let output: QcToolOutput;
  if (tool.run) {
    output = await tool.run(args, ctx);
  } else {
    const body = tool.body ? tool.body(args, ctx) : args;
    const answer = await ctx.client.post(tool.endpoint!, body, { idempotent: isRepeatable(tool) });
    output = tool.present ? tool.present(answer, args) : { data: answer };
  }
  // Compact JSON: the text block is what most clients put in the model's context.
  const result = toolSuccess(output.data, output.text ?? JSON.stringify(output.data));
  for (const link of output.links ?? []) result.content.push({ type: "resource_link", ...link });
  return result;
}
