/** `get_backtest_status`: progress and ETA, or the outcome: statistics, links and the chart as an image. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { runTool } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";
import { backtestView, BacktestViewSchema, describeView, equityPngUri, reportUri } from "./status-view.js";

export const BacktestIdSchema = z.object({
  backtest_id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "a backtest id is 1-64 letters, digits or dashes")
    .describe("Id from run_backtest or list_backtests"),
});

export function registerGetBacktestStatusTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "get_backtest_status",
    {
      title: "Backtest status",
      description:
        "Status (queued, running, completed, failed, cancelled), progress 0-100 and ETA; when completed the statistics, trade count, " +
        "links to the JSON report and the equity PNG, and the PNG itself; when failed the error code, message and line.",
      inputSchema: BacktestIdSchema,
      outputSchema: BacktestViewSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ backtest_id }) =>
      runTool(deps.logger, "get_backtest_status", async () => {
        const view = backtestView(await deps.service.get(backtest_id));
        const content: CallToolResult["content"] = [{ type: "text", text: describeView(view) }];
        if (view.status === "completed") {
          const png = await deps.service.png(backtest_id);
          if (png) content.push({ type: "image", data: png.toString("base64"), mimeType: "image/png" });
          content.push(
            { type: "resource_link", uri: reportUri(backtest_id), name: `${backtest_id}-report`, mimeType: "application/json", description: "statistics, equity curve, drawdown, every trade" },
            { type: "resource_link", uri: equityPngUri(backtest_id), name: `${backtest_id}-equity`, mimeType: "image/png", description: "equity, drawdown and buy-and-hold" },
          );
        }
        return { content, structuredContent: view };
      }),
  );
}
