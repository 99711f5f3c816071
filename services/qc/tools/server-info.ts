/** Server toolset: which server answers (QuantConnect's MCP offers the same). */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";

export const ReadMcpServerVersionSchema = lazySchema(() => z.strictObject({}));

export const SERVER_TOOLS: QcTool[] = [
  defineTool({
    name: "read_mcp_server_version",
    toolset: "server",
    title: "Server version",
    description: "The version of this MCP server.",
    input: ReadMcpServerVersionSchema,
    kind: "read",
    run: async (_args, ctx) => ({ data: { name: "quantmind-qc", version: ctx.serverVersion }, text: `quantmind-qc ${ctx.serverVersion}` }),
  }),
];
