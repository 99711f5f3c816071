/**
 * The statistics of a run, after the fill pass. Each definition follows backtesting.py's
 * `compute_stats` (`_stats.py`), re-implemented here over the columns; where the reference
 * yields NaN or an infinity (no trades, no losing trade), the statistic is null.
 */
import type { Bars } from "./bars.js";
import type { CurveSummary } from "./curve-pass.js";
import { bucketFor, ceilTo, dailyPeriodsPerYear, DAY_MS, periodicReturns, resolutionMs } from "./periods.js";
import type { TradeLog } from "./trade-log.js";
import type { BacktestStats } from "./types.js";

export interface StatsInput {
  bars: Bars;
  equity: Float64Array;
  curve: CurveSummary;
  trades: TradeLog;
  commissions: number;
  /** Median bar spacing in ms (periods.ts). */
  periodMs: number;
  /** First bar the strategy could act on; buy-and-hold starts there. */
  warmupBars: number;
}

/** null for NaN and infinities, so the result is JSON-safe; -0 becomes 0 (JSON drops the sign anyway). */
const finite = (x: number): number | null => (Number.isFinite(x) ? x + 0 : null);

export function computeStats(input: StatsInput): BacktestStats {
  const { bars, equity, trades } = input;
  const { episodes, peak, maxDrawdown, beta } = input.curve;
  const n = equity.length;
  const time = bars.time;
  const close = bars.close;
  const first = equity[0]!;
  const last = equity[n - 1]!;
  const durationMs = time[n - 1]! - time[0]!;
  const resolution = resolutionMs(input.periodMs);
  const toDays = (ms: number) => finite(ceilTo(ms, resolution) / DAY_MS);

  const returnPct = ((last - first) / first) * 100;
  const warmup = Math.min(Math.max(0, input.warmupBars), n - 1);
  const buyHoldPct = ((close[n - 1]! - close[warmup]!) / close[warmup]!) * 100;

  const { bucket, fixedPeriodsPerYear } = bucketFor(input.periodMs);
  const periodic = periodicReturns(time, equity, bucket);
  const periodsPerYear = fixedPeriodsPerYear ?? dailyPeriodsPerYear(periodic.weekendBars, n);
  const annualReturn = (1 + periodic.gmean) ** periodsPerYear - 1;
  const volatility = Math.sqrt(
    (periodic.variance + (1 + periodic.gmean) ** 2) ** periodsPerYear - (1 + periodic.gmean) ** (2 * periodsPerYear),
  );
  const sortino = annualReturn / (Math.sqrt(periodic.downsideMeanSquare) * Math.sqrt(periodsPerYear));
  // The reference divides calendar days by the periods per year here (252 for weekday data).
  const years = durationMs / DAY_MS / periodsPerYear;
  const cagr = years ? (last / first) ** (1 / years) - 1 : Number.NaN;

  const t = tradeStats(trades, time);
  const stats: BacktestStats = {
    start: new Date(time[0]!).toISOString(),
    end: new Date(time[n - 1]!).toISOString(),
    duration_days: durationMs / DAY_MS,
    bars: n,
    exposure_time_pct: (exposedBars(trades) / n) * 100,
    equity_final: last,
    equity_peak: peak,
    commissions: input.commissions,
    return_pct: returnPct,
    buy_hold_return_pct: buyHoldPct,
    return_ann_pct: finite(annualReturn * 100),
    volatility_ann_pct: finite(volatility * 100),
    cagr_pct: finite(cagr * 100),
    sharpe_ratio: finite(volatility ? annualReturn / volatility : Number.NaN),
    sortino_ratio: finite(sortino),
    calmar_ratio: finite(maxDrawdown ? annualReturn / maxDrawdown : Number.NaN),
    alpha_pct: finite(returnPct - beta * buyHoldPct),
    beta: finite(beta),
    max_drawdown_pct: maxDrawdown ? -maxDrawdown * 100 : 0,
    avg_drawdown_pct: episodes.count ? (-episodes.sumDepth / episodes.count) * 100 : null,
    max_drawdown_duration_days: episodes.count ? toDays(episodes.maxDurationMs) : null,
    avg_drawdown_duration_days: episodes.count ? toDays(episodes.sumDurationMs / episodes.count) : null,
    max_drawdown_duration_bars: episodes.count ? episodes.maxDurationBars : null,
    avg_drawdown_duration_bars: episodes.count ? episodes.sumDurationBars / episodes.count : null,
    trades: trades.length,
    win_rate_pct: t.count ? (t.wins / t.count) * 100 : null,
    best_trade_pct: t.count ? t.best * 100 : null,
    worst_trade_pct: t.count ? t.worst * 100 : null,
    avg_trade_pct: t.count ? finite(t.gmean * 100) : null,
    max_trade_duration_days: t.count ? toDays(t.maxDurationMs) : null,
    avg_trade_duration_days: t.count ? toDays(t.sumDurationMs / t.count) : null,
    max_trade_duration_bars: t.count ? t.maxBars : null,
    avg_trade_duration_bars: t.count ? t.sumBars / t.count : null,
    profit_factor: finite(t.lossReturnSum ? t.winReturnSum / -t.lossReturnSum : Number.NaN),
    expectancy_pct: t.count ? (t.returnSum / t.count) * 100 : null,
    sqn: finite((Math.sqrt(t.count) * t.pnlMean) / (t.pnlStd || Number.NaN)),
    kelly_criterion: finite(t.wins / t.count - (1 - t.wins / t.count) / (t.avgWin / t.avgLoss)),
    annual_periods: finite(periodsPerYear),
  };
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === "number") (stats as unknown as Record<string, number | null>)[key] = finite(value);
  }
  return stats;
}

/** Bars inside any closed trade, entry and exit bars included (a bar shared by two trades counts once). */
function exposedBars(trades: TradeLog): number {
  let covered = 0;
  let lastCovered = -1;
  for (let k = 0; k < trades.length; k++) {
    const from = Math.max(trades.entryBar[k]!, lastCovered + 1);
    const to = trades.exitBar[k]!;
    if (to >= from) covered += to - from + 1;
    if (to > lastCovered) lastCovered = to;
  }
  return covered;
}

function tradeStats(trades: TradeLog, time: Float64Array) {
  const count = trades.length;
  let wins = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let logSum = 0;
  let ruined = false;
  let returnSum = 0;
  let winReturnSum = 0;
  let lossReturnSum = 0;
  let winPnl = 0;
  let lossPnl = 0;
  let losses = 0;
  let pnlMean = 0;
  let pnlM2 = 0;
  let maxDurationMs = 0;
  let sumDurationMs = 0;
  let maxBars = 0;
  let sumBars = 0;
  for (let k = 0; k < count; k++) {
    const r = trades.returnOf(k);
    const pnl = trades.pnl(k);
    if (r > best) best = r;
    if (r < worst) worst = r;
    if (!(1 + r > 0)) ruined = true;
    else logSum += Math.log(1 + r);
    returnSum += r;
    if (r > 0) winReturnSum += r;
    else if (r < 0) lossReturnSum += r;
    if (pnl > 0) {
      wins++;
      winPnl += pnl;
    } else if (pnl < 0) {
      losses++;
      lossPnl += pnl;
    }
    const delta = pnl - pnlMean;
    pnlMean += delta / (k + 1);
    pnlM2 += delta * (pnl - pnlMean);
    const entry = trades.entryBar[k]!;
    const exit = trades.exitBar[k]!;
    const durationMs = time[exit]! - time[entry]!;
    sumDurationMs += durationMs;
    if (durationMs > maxDurationMs) maxDurationMs = durationMs;
    sumBars += exit - entry;
    if (exit - entry > maxBars) maxBars = exit - entry;
  }
  return {
    count,
    wins,
    best,
    worst,
    gmean: ruined ? 0 : Math.exp(logSum / count) - 1,
    returnSum,
    winReturnSum,
    lossReturnSum,
    avgWin: wins ? winPnl / wins : Number.NaN,
    avgLoss: losses ? -lossPnl / losses : Number.NaN,
    pnlMean,
    pnlStd: count > 1 ? Math.sqrt(pnlM2 / (count - 1)) : Number.NaN,
    maxDurationMs,
    sumDurationMs,
    maxBars,
    sumBars,
  };
}
