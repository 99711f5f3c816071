/**
 * A backtest record as the tools show it: snake_case JSON for structuredContent, one text summary,
 * and for a completed run the links to its report and picture.
 */
import { z } from "zod";
import type { BacktestRecord } from "../jobs/record.js";
import { BACKTEST_STATUSES, STRATEGY_LANGUAGES } from "../jobs/record.js";

export const reportUri = (id: string) => `backtest://${id}/report`;
export const equityPngUri = (id: string) => `backtest://${id}/equity.png`;

export const StatisticsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

export const BacktestViewSchema = z.object({
  backtest_id: z.string(),
  status: z.enum(BACKTEST_STATUSES),
  progress: z.number().describe("0-100"),
  eta_seconds: z.number().optional().describe("estimated seconds until done, while running"),
  dataset: z.string(),
  language: z.enum(STRATEGY_LANGUAGES),
  submitted_at: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  statistics: StatisticsSchema.optional(),
  trade_count: z.number().optional(),
  report_uri: z.string().optional(),
  equity_png_uri: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), line: z.number().optional() }).optional(),
});
export type BacktestView = z.infer<typeof BacktestViewSchema>;

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function backtestView(record: BacktestRecord, detail: "full" | "summary" = "full"): BacktestView {
  const completed = record.status === "completed";
  return {
    backtest_id: record.id,
    status: record.status,
    progress: record.progress,
    ...(record.etaMs !== undefined && record.status === "running" && { eta_seconds: Math.ceil(record.etaMs / 1000) }),
    dataset: record.request.dataset,
    language: record.request.language,
    submitted_at: iso(record.submittedAt)!,
    ...(record.startedAt !== undefined && { started_at: iso(record.startedAt) }),
    ...(record.finishedAt !== undefined && { finished_at: iso(record.finishedAt) }),
    ...(detail === "full" && completed && record.statistics && { statistics: record.statistics }),
    ...(completed && record.tradeCount !== undefined && { trade_count: record.tradeCount }),
    ...(completed && { report_uri: reportUri(record.id), equity_png_uri: equityPngUri(record.id) }),
    ...(record.failure && { error: record.failure }),
  };
}

/** A few lines a person reads first; the JSON carries everything. */
export function describeView(view: BacktestView): string {
  const head = `backtest ${view.backtest_id}: ${view.status}`;
  if (view.status === "queued" || view.status === "running") {
    return `${head}, ${view.progress}%${view.eta_seconds !== undefined ? `, about ${view.eta_seconds} s left` : ""}`;
  }
  if (view.status === "failed" && view.error) {
    return `${head}\n${view.error.code}: ${view.error.message}${view.error.line !== undefined ? ` (line ${view.error.line})` : ""}`;
  }
  if (view.status !== "completed") return head;
  const stats = view.statistics ?? {};
  const rows = Object.entries(stats).map(([k, v]) => `  ${k.padEnd(28)} ${typeof v === "number" ? formatNumber(v) : String(v)}`);
  return [
    `${head}, ${view.trade_count ?? 0} trade(s)`,
    ...rows,
    `report: ${view.report_uri}`,
    `chart:  ${view.equity_png_uri} (blue equity, grey buy-and-hold, red drawdown below)`,
  ].join("\n");
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
