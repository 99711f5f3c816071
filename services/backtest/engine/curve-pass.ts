/**
 * One pass over the equity curve for everything the statistics read per bar: the drawdown
 * curve (dd = 1 - equity / running peak), the peak, the drawdown episodes as backtesting.py's
 * `compute_drawdown_duration_peaks` defines them (an episode runs from a bar at its peak to the
 * next bar back at a peak, or to the last bar), and the sums for beta over bar log returns.
 * Fused because each separate pass over a million bars costs as much as the fill pass itself.
 */
import { marketLogReturns } from "./market-returns.js";

export interface CurveSummary {
  drawdown: Float64Array;
  peak: number;
  maxDrawdown: number;
  episodes: {
    count: number;
    /** Sum of each episode's deepest drawdown (a fraction). */
    sumDepth: number;
    maxDurationMs: number;
    sumDurationMs: number;
    maxDurationBars: number;
    sumDurationBars: number;
  };
  /** Covariance of equity and market bar log returns over the market's variance (NaN under 2 returns). */
  beta: number;
}

export function curvePass(equity: Float64Array, time: Float64Array, close: Float64Array): CurveSummary {
  const n = equity.length;
  const drawdown = new Float64Array(n);
  const episodes = { count: 0, sumDepth: 0, maxDurationMs: 0, sumDurationMs: 0, maxDurationBars: 0, sumDurationBars: 0 };
  const market = marketLogReturns(close);
  let peak = equity[0]!;
  let maxDrawdown = 0;
  let anchor = 0; // last bar at a peak
  let depth = 0; // deepest dd since the anchor
  // Beta from sums: the market side (sum, sum of squares) comes with the cached log returns;
  // the equity side needs a logarithm only where the equity moved (never while flat).
  let sumX = 0;
  let sumXY = 0;
  let previous = equity[0]!;
  for (let i = 1; i < n; i++) {
    const value = equity[i]!;
    if (value !== previous) {
      const x = Math.log(value / previous);
      sumX += x;
      sumXY += x * market.values[i - 1]!;
      previous = value;
    }
    if (value > peak) peak = value;
    const dd = 1 - value / peak;
    drawdown[i] = dd;
    if (dd > depth) depth = dd;
    if (dd !== 0 && i !== n - 1) continue;
    // An anchor: a bar back at its peak, or the last bar.
    if (depth > maxDrawdown) maxDrawdown = depth;
    if (i > anchor + 1) {
      const durationMs = time[i]! - time[anchor]!;
      const bars = i - anchor;
      episodes.count++;
      episodes.sumDepth += depth;
      episodes.sumDurationMs += durationMs;
      if (durationMs > episodes.maxDurationMs) episodes.maxDurationMs = durationMs;
      episodes.sumDurationBars += bars;
      if (bars > episodes.maxDurationBars) episodes.maxDurationBars = bars;
    }
    anchor = i;
    depth = 0;
  }
  const m = n - 1;
  const covariance = (sumXY - (sumX * market.sum) / m) / (m - 1);
  const variance = Math.max(0, market.sumSquares - (market.sum * market.sum) / m) / (m - 1);
  return { drawdown, peak, maxDrawdown, episodes, beta: m >= 2 ? covariance / variance : Number.NaN };
}
