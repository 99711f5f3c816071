/**
 * Drawdown curve and drawdown episodes, defined as backtesting.py's `compute_stats` and
 * `compute_drawdown_duration_peaks` define them: dd = 1 - equity / running peak; an episode
 * runs from a bar at its peak (dd = 0) to the next bar back at a peak, or to the last bar.
 */

/** dd[i] = 1 - equity[i] / max(equity[0..i]), a fraction in [0, 1]. */
export function drawdownCurve(equity: Float64Array): Float64Array {
  const n = equity.length;
  const dd = new Float64Array(n);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const value = equity[i]!;
    if (value > peak) peak = value;
    dd[i] = 1 - value / peak;
  }
  return dd;
}

/** Totals over all drawdown episodes (means are derived by the caller). */
export interface DrawdownEpisodes {
  count: number;
  maxDepth: number;
  /** Sum of each episode's deepest drawdown (a fraction). */
  sumDepth: number;
  maxDurationMs: number;
  sumDurationMs: number;
  maxDurationBars: number;
  sumDurationBars: number;
}

/**
 * Scans `dd` once. An episode is a pair of consecutive "anchor" bars (dd = 0, or the last bar)
 * more than one bar apart; its duration is the time between them and its depth the largest dd
 * between them, both ends included.
 */
export function drawdownEpisodes(dd: Float64Array, time: Float64Array): DrawdownEpisodes {
  const n = dd.length;
  const result: DrawdownEpisodes = {
    count: 0,
    maxDepth: 0,
    sumDepth: 0,
    maxDurationMs: 0,
    sumDurationMs: 0,
    maxDurationBars: 0,
    sumDurationBars: 0,
  };
  let anchor = 0;
  let depth = 0; // deepest dd since the last anchor
  for (let i = 1; i < n; i++) {
    const value = dd[i]!;
    if (value > depth) depth = value;
    if (value !== 0 && i !== n - 1) continue;
    if (i > anchor + 1) {
      const durationMs = time[i]! - time[anchor]!;
      const bars = i - anchor;
      result.count++;
      result.sumDepth += depth;
      if (depth > result.maxDepth) result.maxDepth = depth;
      result.sumDurationMs += durationMs;
      if (durationMs > result.maxDurationMs) result.maxDurationMs = durationMs;
      result.sumDurationBars += bars;
      if (bars > result.maxDurationBars) result.maxDurationBars = bars;
    }
    anchor = i;
    depth = 0;
  }
  return result;
}
