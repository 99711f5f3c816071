/** `run_backtest`: queues a strategy over a dataset, or answers from the cache when it ran before. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";
import { STRATEGY_LANGUAGES } from "../jobs/record.js";

/** Longest strategy source accepted, in characters. */
export const MAX_CODE_CHARS = 200_000;

export const StrategyInputShape = {
  code: z.string().min(1).max(MAX_CODE_CHARS).describe(`Strategy source (1-${MAX_CODE_CHARS} characters): exports signals(data, params) or init/next`),
  language: z.enum(STRATEGY_LANGUAGES).describe("javascript, typescript, python or mq5"),
  config: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("Backtest configuration; see the resource backtest://config-schema (unknown keys are refused)"),
  dataset: z.string().min(1).max(128).describe("Dataset name from list_datasets"),
};

export const RunBacktestSchema = z.object(StrategyInputShape);

export const RunBacktestOutputSchema = z.object({
  backtest_id: z.string(),
  status: z.enum(["queued", "completed"]),
  cached: z.boolean().describe("true when an identical run (code, configuration, data) answered from the cache"),
});

export function registerRunBacktestTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "run_backtest",
    {
      title: "Run a backtest",
      description:
        "Queues a strategy (JavaScript, TypeScript, Python or MQ5) over a dataset with a configuration and returns its id at once. " +
        "Poll get_backtest_status(backtest_id) for progress, statistics and the equity chart. An identical earlier run answers from the cache (cached: true).",
      inputSchema: RunBacktestSchema,
      outputSchema: RunBacktestOutputSchema,
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      runTool(deps.logger, "run_backtest", async () => {
        const result = await deps.service.submit(args);
        const data = { backtest_id: result.id, status: result.status as "queued" | "completed", cached: result.cached };
        const text = result.cached
          ? `backtest ${result.id}: completed (cached: the same code, configuration and data ran before)`
          : `backtest ${result.id}: queued; poll get_backtest_status`;
        return toolSuccess(data, text);
      }),
  );
}
