/**
 * Bar log returns of the close, for beta. Cached per close column (a WeakMap keyed by the
 * array): an optimisation grid runs hundreds of backtests on one dataset and would otherwise
 * take the same million logarithms each time.
 */
const cache = new WeakMap<Float64Array, Float64Array>();

/** log(close[i + 1] / close[i]) for each consecutive pair. */
export function marketLogReturns(close: Float64Array): Float64Array {
  const cached = cache.get(close);
  if (cached) return cached;
  const n = Math.max(0, close.length - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(close[i + 1]! / close[i]!);
  cache.set(close, out);
  return out;
}
