/**
 * Realised volatility per symbol from the prices the agent observes (the tick before each order,
 * and the periodic reconciliation): the standard deviation of the last N log returns.
 */
export class VolatilityTracker {
  private readonly prices = new Map<string, number[]>();

  /** Keeps at most `capacity` prices per symbol (the largest lookback + 1). */
  constructor(private readonly capacity = 10_001) {}

  observe(key: string, price: number): void {
    if (!(price > 0) || !Number.isFinite(price)) return;
    let series = this.prices.get(key);
    if (series === undefined) this.prices.set(key, (series = []));
    series.push(price);
    if (series.length > this.capacity) series.splice(0, series.length - this.capacity);
  }

  /** Standard deviation of the last `lookback` log returns, or undefined with fewer. */
  realised(key: string, lookback: number): number | undefined {
    const series = this.prices.get(key);
    if (series === undefined || series.length < lookback + 1) return undefined;
    const start = series.length - lookback - 1;
    let sum = 0;
    let sumSquares = 0;
    for (let i = start + 1; i < series.length; i++) {
      const r = Math.log(series[i]! / series[i - 1]!);
      sum += r;
      sumSquares += r * r;
    }
    const mean = sum / lookback;
    return Math.sqrt(Math.max(0, sumSquares / lookback - mean * mean));
  }
}

/** The factor that shrinks an entry: 1 in calm markets, target / realised in turbulent ones. */
export function volatilityScale(realised: number | undefined, target: number, minScale: number): number {
  if (realised === undefined || realised <= target) return 1;
  return Math.max(minScale, target / realised);
}
