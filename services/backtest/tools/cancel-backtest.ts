/** `cancel_backtest`: stops a queued or running backtest; a finished one keeps its status. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";
import { BACKTEST_STATUSES } from "../jobs/record.js";
import { BacktestIdSchema } from "./get-backtest-status.js";

export const CancelBacktestOutputSchema = z.object({ backtest_id: z.string(), status: z.enum(BACKTEST_STATUSES) });

export function registerCancelBacktestTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "cancel_backtest",
    {
      title: "Cancel a backtest",
      description: "Cancels a queued or running backtest (the strategy is stopped in its sandbox). A finished backtest keeps its status, which is returned.",
      inputSchema: BacktestIdSchema,
      outputSchema: CancelBacktestOutputSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ backtest_id }) =>
      runTool(deps.logger, "cancel_backtest", async () => {
        const status = await deps.service.cancel(backtest_id);
        const text = status === "cancelled" ? `backtest ${backtest_id}: cancelled` : `backtest ${backtest_id} had already finished: ${status}`;
        return toolSuccess({ backtest_id, status }, text);
      }),
  );
}
