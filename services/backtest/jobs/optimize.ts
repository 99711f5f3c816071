/**
 * Grid optimisation: every combination of the grid's parameter values becomes one backtest job
 * (cached points answer at once), the finished ones are ranked by a statistic, and a grid over
 * exactly two varying parameters gets a heatmap. The grid is bounded so one call cannot flood
 * the queue.
 */
import { heatmapPng } from "../charts/heatmap-chart.js";
import type { BacktestService, SubmitResult } from "./backtest-service.js";
import { GridTooLargeError, InvalidRequestError } from "./errors.js";
import type { BacktestFailure, BacktestRequest, BacktestStatus } from "./record.js";

export type ParamValue = number | string | boolean;
export type Grid = Record<string, ParamValue[]>;

export interface OptimizeRequest extends BacktestRequest {
  grid: Grid;
  metric: string;
  /** `max` (default): higher is better. */
  direction: "max" | "min";
  timeoutMs: number;
}

export interface OptimizeRow {
  rank?: number;
  params: Record<string, ParamValue>;
  backtest_id: string;
  status: BacktestStatus;
  value?: number | null;
  cached: boolean;
  error?: BacktestFailure;
}

export interface OptimizeResult {
  metric: string;
  direction: "max" | "min";
  points: number;
  completed: number;
  unfinished: number;
  best?: OptimizeRow;
  table: OptimizeRow[];
  heatmap?: { x: string; y: string; png: Buffer };
}

/** Every combination, the first parameter varying slowest. */
export function gridPoints(grid: Grid): Record<string, ParamValue>[] {
  return Object.entries(grid).reduce<Record<string, ParamValue>[]>(
    (points, [name, values]) => points.flatMap((p) => values.map((v) => ({ ...p, [name]: v }))),
    [{}],
  );
}

export async function optimize(service: BacktestService, request: OptimizeRequest, maxPoints: number): Promise<OptimizeResult> {
  const names = Object.keys(request.grid);
  if (names.length === 0) throw new InvalidRequestError("grid: name at least one parameter and its values");
  const size = Object.values(request.grid).reduce((n, values) => n * values.length, 1);
  if (size > maxPoints) throw new GridTooLargeError(size, maxPoints);
  const base = request.config;
  const baseParams = (base.params ?? {}) as Record<string, unknown>;
  const points = gridPoints(request.grid);
  const submitted: (SubmitResult & { params: Record<string, ParamValue> })[] = [];
  for (const params of points) {
    const result = await service.submit({ ...request, config: { ...base, params: { ...baseParams, ...params } } });
    submitted.push({ params, ...result });
  }
  const records = await service.waitFor(submitted.map((s) => s.id), request.timeoutMs);
  const table: OptimizeRow[] = records.map((record, i) => {
    const value = record.statistics?.[request.metric];
    return {
      params: submitted[i]!.params,
      backtest_id: record.id,
      status: record.status,
      cached: submitted[i]!.cached,
      ...(record.status === "completed" && { value: typeof value === "number" && Number.isFinite(value) ? value : null }),
      ...(record.failure && { error: record.failure }),
    };
  });
  const sign = request.direction === "max" ? -1 : 1;
  const ranked = table.filter((r) => typeof r.value === "number").sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  ranked.forEach((row, i) => (row.rank = i + 1));
  table.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  return {
    metric: request.metric,
    direction: request.direction,
    points: points.length,
    completed: records.filter((r) => r.status === "completed").length,
    unfinished: records.filter((r) => r.status === "queued" || r.status === "running").length,
    ...(ranked[0] && { best: ranked[0] }),
    table,
    ...heatmapOf(request.grid, table),
  };
}

/** A heatmap when exactly two parameters take more than one value. */
function heatmapOf(grid: Grid, table: OptimizeRow[]): Pick<OptimizeResult, "heatmap"> {
  const varying = Object.entries(grid).filter(([, values]) => values.length > 1);
  if (varying.length !== 2 || !table.some((r) => typeof r.value === "number")) return {};
  const [[x, xs], [y, ys]] = varying as [[string, ParamValue[]], [string, ParamValue[]]];
  const values = ys.map((yv) =>
    xs.map((xv) => {
      const row = table.find((r) => r.params[x] === xv && r.params[y] === yv);
      return typeof row?.value === "number" ? row.value : null;
    }),
  );
  return { heatmap: { x, y, png: heatmapPng({ columns: xs.length, rows: ys.length, values }) } };
}
