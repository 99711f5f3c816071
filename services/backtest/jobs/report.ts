/**
 * The report a completed backtest keeps (`backtest://<id>/report`): the statistics, every trade,
 * and the equity and drawdown curves. Curves longer than MAX_CURVE_POINTS are sampled at an even
 * stride (always ending on the last bar) so a million-bar run stays a readable document; `stride`
 * says how far apart the points are, and the statistics are computed on every bar regardless.
 */
import type { BacktestConfig } from "../config.js";
import type { Bars } from "../engine/bars.js";
import type { EngineResult } from "../engine/types.js";
import { buyAndHold, reduceForChart } from "../charts/equity-chart.js";
import type { BacktestRequest } from "./record.js";

export const MAX_CURVE_POINTS = 10_000;
/** Trades kept in the report; a run with more says `trades_truncated`. */
export const MAX_REPORT_TRADES = 100_000;

export interface BacktestReport {
  dataset: string;
  language: BacktestRequest["language"];
  config: BacktestConfig;
  bars: number;
  statistics: EngineResult["stats"];
  trades: EngineResult["trades"];
  trades_truncated?: true;
  curve: {
    /** Bars between two points (1 = every bar). */
    stride: number;
    /** ISO 8601 UTC bar times. */
    time: string[];
    equity: number[];
    /** Fraction below the running peak, 0-1. */
    drawdown: number[];
  };
  /** The series the equity chart draws, reduced to its pixel columns (charts/equity-chart.ts). */
  chart: { equity: number[]; drawdown: number[]; buy_hold: number[] };
}

/** `warmupBars`: where buy-and-hold starts (the engine's option of the same name). */
export function buildReport(request: BacktestRequest, config: BacktestConfig, bars: Bars, result: EngineResult, warmupBars = 0): BacktestReport {
  const n = bars.time.length;
  const stride = Math.max(1, Math.ceil(n / MAX_CURVE_POINTS));
  const picks: number[] = [];
  for (let i = 0; i < n; i += stride) picks.push(i);
  if (n > 0 && picks[picks.length - 1] !== n - 1) picks.push(n - 1);
  const truncated = result.trades.length > MAX_REPORT_TRADES;
  return {
    dataset: request.dataset,
    language: request.language,
    config,
    bars: n,
    statistics: result.stats,
    trades: truncated ? result.trades.slice(0, MAX_REPORT_TRADES) : result.trades,
    ...(truncated && { trades_truncated: true as const }),
    curve: {
      stride,
      time: picks.map((i) => new Date(bars.time[i]!).toISOString()),
      equity: picks.map((i) => result.equity[i]!),
      drawdown: picks.map((i) => result.drawdown[i]!),
    },
    chart: {
      equity: reduceForChart(result.equity),
      drawdown: reduceForChart(result.drawdown),
      buy_hold: reduceForChart(buyAndHold(bars.close, config.initial_capital, warmupBars)),
    },
  };
}
