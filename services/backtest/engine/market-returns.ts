/**
 * Bar log returns of the close and their sums, for beta. Cached per close column (a WeakMap
 * keyed by the array): an optimisation grid runs hundreds of backtests on one dataset and would
 * otherwise take the same million logarithms each time.
 */
export interface MarketReturns {
  /** log(close[i + 1] / close[i]) for each consecutive pair. */
  values: Float64Array;
  sum: number;
  sumSquares: number;
}

const cache = new WeakMap<Float64Array, MarketReturns>();

export function marketLogReturns(close: Float64Array): MarketReturns {
  const cached = cache.get(close);
  if (cached) return cached;
  const n = Math.max(0, close.length - 1);
  const values = new Float64Array(n);
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const y = Math.log(close[i + 1]! / close[i]!);
    values[i] = y;
    sum += y;
    sumSquares += y * y;
  }
  const result = { values, sum, sumSquares };
  cache.set(close, result);
  return result;
}
