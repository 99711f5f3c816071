/**
 * The backtest engine's entry point: targets in, trades, curves and statistics out.
 * One O(n) fill pass (fill-pass.ts), one pass over the equity curve (curve-pass.ts), then the
 * statistics (stats.ts).
 * Pure and synchronous: no I/O, safe to call from a worker thread or a queue processor.
 */
import type { BacktestConfig } from "../config.js";
import { DataEmptyError, TargetError } from "../errors.js";
import type { Bars } from "./bars.js";
import { curvePass } from "./curve-pass.js";
import { fillPass, type FillConfig } from "./fill-pass.js";
import { dataPeriodMs } from "./periods.js";
import { computeStats } from "./stats.js";
import type { EngineOptions, EngineResult } from "./types.js";

/**
 * Runs `targets` (one per bar: the position wanted after that bar, NaN = hold; see
 * fill-pass.ts) over `bars` with `config`'s costs, fills and sizing.
 * Throws `DAT_EMPTY` for no bars and `RUN_INVALID_TARGET` for a target array of the wrong
 * length or a target the sizing mode cannot trade.
 */
export function runEngine(bars: Bars, targets: Float64Array, config: FillConfig, options: EngineOptions = {}): EngineResult {
  const n = bars.time.length;
  if (n === 0) throw new DataEmptyError("no bars to backtest");
  for (const column of [bars.open, bars.high, bars.low, bars.close, bars.volume]) {
    if (column.length !== n) throw new DataEmptyError(`bar columns differ in length (${column.length} vs ${n} times)`);
  }
  if (targets.length !== n) {
    throw new TargetError(`the strategy returned ${targets.length} targets for ${n} bars: return exactly one per bar (NaN to hold)`);
  }
  const fills = fillPass(bars, targets, config);
  const curve = curvePass(fills.equity, bars.time, bars.close);
  const stats = computeStats({
    bars,
    equity: fills.equity,
    curve,
    trades: fills.trades,
    commissions: fills.commissions,
    periodMs: dataPeriodMs(bars.time),
    warmupBars: options.warmupBars ?? 0,
  });
  return { trades: fills.trades.toTrades(bars.time), equity: fills.equity, drawdown: curve.drawdown, stats };
}

/** The configuration fields the engine reads (a full `BacktestConfig` qualifies). */
export type EngineConfig = FillConfig;
export type { BacktestConfig };
