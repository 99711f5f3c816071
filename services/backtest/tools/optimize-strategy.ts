/** `optimize_strategy`: a bounded parameter grid fanned out as backtest jobs, ranked by one statistic. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { runTool } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";
import type { BacktestStats } from "../engine/types.js";
import { optimize, type OptimizeResult } from "../jobs/optimize.js";
import { BACKTEST_STATUSES } from "../jobs/record.js";
import { StrategyInputShape } from "./run-backtest.js";
import { formatNumber } from "./status-view.js";

/** Statistics a grid can be ranked by. */
export const OPTIMIZE_METRICS = [
  "sharpe_ratio",
  "sortino_ratio",
  "calmar_ratio",
  "return_pct",
  "return_ann_pct",
  "cagr_pct",
  "equity_final",
  "max_drawdown_pct",
  "win_rate_pct",
  "profit_factor",
  "expectancy_pct",
  "sqn",
  "kelly_criterion",
  "alpha_pct",
  "exposure_time_pct",
  "trades",
] as const satisfies readonly (keyof BacktestStats)[];

const ParamValueSchema = z.union([z.number().finite(), z.string().max(256), z.boolean()]);

export function optimizeSchema(maxPoints: number) {
  return z.object({
    ...StrategyInputShape,
    grid: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.array(ParamValueSchema).min(1).max(maxPoints))
      .describe(`Parameter name -> values to try; every combination runs, at most ${maxPoints} combinations`),
    metric: z.enum(OPTIMIZE_METRICS).default("sharpe_ratio").describe("Statistic to rank by (default sharpe_ratio)"),
    direction: z.enum(["max", "min"]).default("max").describe("max (default): higher is better; min for e.g. drawdown duration"),
    timeout_seconds: z.number().int().min(1).max(1800).default(600).describe("How long to wait for the grid (1-1800 s, default 600); unfinished points are listed with their ids"),
  });
}

const RowSchema = z.object({
  rank: z.number().optional(),
  params: z.record(z.string(), ParamValueSchema),
  backtest_id: z.string(),
  status: z.enum(BACKTEST_STATUSES),
  value: z.number().nullable().optional(),
  cached: z.boolean(),
  error: z.object({ code: z.string(), message: z.string(), line: z.number().optional() }).optional(),
});

export const OptimizeOutputSchema = z.object({
  metric: z.string(),
  direction: z.enum(["max", "min"]),
  points: z.number(),
  completed: z.number(),
  unfinished: z.number(),
  best: RowSchema.optional(),
  table: z.array(RowSchema),
  heatmap: z.object({ x: z.string(), y: z.string() }).optional(),
});

export function registerOptimizeStrategyTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "optimize_strategy",
    {
      title: "Optimise strategy parameters",
      description:
        `Runs the strategy once per combination of the grid's values (at most ${deps.maxGridPoints} combinations), waits for them, ` +
        "and returns the table ranked by the metric; a grid over two varying parameters also returns a heatmap " +
        "(first parameter left to right, second bottom to top, dark purple worst to yellow best, grey no value).",
      inputSchema: optimizeSchema(deps.maxGridPoints),
      outputSchema: OptimizeOutputSchema,
      annotations: { readOnlyHint: false, openWorldHint: false },
    },
    (args) =>
      runTool(deps.logger, "optimize_strategy", async () => {
        const result = await optimize(deps.service, { ...args, timeoutMs: args.timeout_seconds * 1000 }, deps.maxGridPoints);
        const { heatmap, ...rest } = result;
        const content: CallToolResult["content"] = [{ type: "text", text: describe(result) }];
        if (heatmap) content.push({ type: "image", data: heatmap.png.toString("base64"), mimeType: "image/png" });
        return { content, structuredContent: { ...rest, ...(heatmap && { heatmap: { x: heatmap.x, y: heatmap.y } }) } };
      }),
  );
}

function describe(result: OptimizeResult): string {
  const head = `${result.points} point(s), ${result.completed} completed, ${result.unfinished} unfinished; ranked by ${result.metric} (${result.direction})`;
  const rows = result.table.map((r) => {
    const value = r.value === undefined ? r.status : r.value === null ? "n/a" : formatNumber(r.value);
    return `${String(r.rank ?? "-").padStart(3)}  ${value.padStart(12)}  ${JSON.stringify(r.params)}  ${r.backtest_id}${r.error ? `  ${r.error.code}` : ""}`;
  });
  const map = result.heatmap ? [`heatmap: ${result.heatmap.x} left to right, ${result.heatmap.y} bottom to top, purple worst, yellow best`] : [];
  return [head, ...rows, ...map].join("\n");
}
