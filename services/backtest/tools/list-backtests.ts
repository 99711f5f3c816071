/** `list_backtests`: the newest backtests, optionally of one status. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";
import { BACKTEST_STATUSES } from "../jobs/record.js";
import { backtestView, BacktestViewSchema } from "./status-view.js";

export const ListBacktestsSchema = z.object({
  status: z.enum(BACKTEST_STATUSES).optional().describe("Only backtests with this status"),
  limit: z.number().int().min(1).max(100).default(20).describe("Most recent first, at most this many (1-100, default 20)"),
});

export const ListBacktestsOutputSchema = z.object({ count: z.number(), backtests: z.array(BacktestViewSchema) });

export function registerListBacktestsTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "list_backtests",
    {
      title: "List backtests",
      description: "The most recent backtests, newest first, with status and progress; filter by status.",
      inputSchema: ListBacktestsSchema,
      outputSchema: ListBacktestsOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(deps.logger, "list_backtests", async () => {
        const backtests = (await deps.service.list(args)).map((r) => backtestView(r, "summary"));
        const lines = backtests.map((b) => `${b.backtest_id}  ${b.status.padEnd(9)} ${String(b.progress).padStart(3)}%  ${b.language.padEnd(10)} ${b.dataset}  ${b.submitted_at}`);
        return toolSuccess({ count: backtests.length, backtests }, backtests.length === 0 ? "No backtests." : lines.join("\n"));
      }),
  );
}
