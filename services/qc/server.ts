/**
 * The QuantConnect MCP server: registers its tools and resource, answers tools/list from the
 * cache. A per-request HTTP server is told the request's messages and registers only the tools
 * they call: building sixty-odd tools to answer one was most of a request's cost.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { cleanParamErrors } from "../shared/mcp/clean-param-errors.js";
import { PACKAGE_VERSION } from "../shared/package-root.js";
import type { QcDeps } from "./deps.js";
import { registerQcTools } from "./register-tools.js";
import { registerBacktestResource } from "./resources.js";

export const QC_SERVER_NAME = "quantmind-qc";

/**
 * @param messages The request's JSON-RPC message(s), when the server answers one HTTP request;
 *   undefined for a long-lived (stdio) server, which registers everything.
 */
export function createQcServer(deps: QcDeps, messages?: unknown): McpServer {
  const resources = deps.toolsets.includes("backtests");
  const server = new McpServer(
    { name: QC_SERVER_NAME, version: PACKAGE_VERSION },
    {
      instructions: instructions(deps),
      jsonSchemaValidator: deps.validator,
      // Declared up front: a per-request server may register no tool or resource at all.
      capabilities: { tools: { listChanged: true }, ...(resources && { resources: { listChanged: true } }) },
    },
  );
  const needs = messages === undefined ? undefined : requestNeeds(messages);
  registerQcTools(server, deps, PACKAGE_VERSION, needs?.tools);
  if (resources && (needs === undefined || needs.resources)) registerBacktestResource(server, deps);
  // Same content as the SDK's own handler, without rebuilding sixty JSON Schemas per request.
  server.server.setRequestHandler(ListToolsRequestSchema, () => deps.listing.result());
  return cleanParamErrors(server);
}

/** The tools a request calls and whether it touches resources. */
function requestNeeds(messages: unknown): { tools: Set<string>; resources: boolean } {
  const tools = new Set<string>();
  let resources = false;
  for (const message of Array.isArray(messages) ? messages : [messages]) {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
    if (method === "tools/call" && typeof params?.name === "string") tools.add(params.name);
    if (typeof method === "string" && method.startsWith("resources/")) resources = true;
  }
  return { tools, resources };
}

function instructions(deps: QcDeps): string {
  return (
    "QuantConnect cloud through its REST API v2: projects, files, compiles, backtests, optimizations, live " +
    "deployments, the Object Store and QuantConnect's coding helpers. Typical flow: create_project, " +
    "create_file/patch_file, create_compile then read_compile until BuildSuccess, create_backtest, then " +
    "read_backtest until completed. " +
    (deps.liveTrading
      ? "Live trading is enabled: create_live_algorithm, stop/liquidate and live commands act on real accounts."
      : "Live trading is disabled on this server (QC_ENABLE_LIVE_TRADING).")
  );
}
