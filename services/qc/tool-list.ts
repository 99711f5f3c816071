/**
 * The `tools/list` answer, built once per process and reused. The SDK rebuilds every tool's
 * JSON Schema from zod on each request, and a stateless server gets a new SDK server per
 * request: with sixty-odd tools that was the peer's 22-29 ms per listing. The schemas depend
 * only on the toolsets and the live-trading switch, both fixed at start-up.
 */
import type { ListToolsResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import type { QcToolset } from "./toolsets.js";
import { annotationsFor, type QcTool } from "./tools/qc-tool.js";

export interface ToolListing {
  /** The tools a client sees: those of the offered toolsets, live-trading ones only when enabled. */
  readonly visible: readonly QcTool[];
  /** The `tools/list` result; computed on first use, then the same object every time. */
  result(): ListToolsResult;
}

export function createToolListing(tools: readonly QcTool[], options: { toolsets: readonly QcToolset[]; liveTrading: boolean }): ToolListing {
  const visible = tools.filter((tool) => options.toolsets.includes(tool.toolset) && (!tool.liveTrading || options.liveTrading));
  let cached: ListToolsResult | undefined;
  return {
    visible,
    // Copied into plain JSON objects: the reply is serialised on every request, and zod's
    // JSON Schema objects are slower to stringify than fresh literals.
    result: () => (cached ??= JSON.parse(JSON.stringify({ tools: visible.map(describeTool) })) as ListToolsResult),
  };
}

/**
 * Every tool's input JSON Schema, computed when the Lambda bundle was built (esbuild `define` in
 * scripts/build-qc-lambda.ts), so a cold start lists the tools without building their zod
 * schemas; undefined elsewhere, where they are computed on first use.
 */
declare const QC_PRECOMPUTED_INPUT_SCHEMAS: Record<string, Tool["inputSchema"]> | undefined;

/** The same listing the SDK's McpServer would produce for the tool (see its tools/list handler). */
export function describeTool(tool: QcTool): Tool {
  const precomputed = typeof QC_PRECOMPUTED_INPUT_SCHEMAS === "undefined" ? undefined : QC_PRECOMPUTED_INPUT_SCHEMAS[tool.name];
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: precomputed ?? (toJsonSchemaCompat(tool.input(), { strictUnions: true, pipeStrategy: "input" }) as Tool["inputSchema"]),
    annotations: annotationsFor(tool),
    execution: { taskSupport: "forbidden" },
  };
}
