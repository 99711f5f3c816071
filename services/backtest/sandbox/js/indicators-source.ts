/**
 * The indicator helpers strategies get as `require("quantmind")` / `import ... from "quantmind"`,
 * as JavaScript source evaluated inside each isolate (nothing of the host goes in). Every
 * helper takes and returns Float64Arrays, runs in O(n), and yields NaN where its window is not
 * yet full or holds a NaN, so outputs line up bar for bar with the inputs.
 */
export const INDICATORS_SOURCE = String.raw`
function toF64(x, name) {
  if (x instanceof Float64Array) return x;
  if (ArrayBuffer.isView(x) || Array.isArray(x)) return Float64Array.from(x);
  throw new TypeError(name + ": expected a Float64Array, a typed array or an array of numbers");
}
function period(n, name) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(name + ": period must be an integer >= 1, got " + n);
  return n;
}
/** Simple moving average over n bars. */
function sma(x, n) {
  x = toF64(x, "sma"); n = period(n, "sma");
  const out = new Float64Array(x.length).fill(NaN);
  let sum = 0, nans = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) nans++; else sum += v;
    if (i >= n) { const o = x[i - n]; if (o !== o) nans--; else sum -= o; }
    if (i >= n - 1 && nans === 0) out[i] = sum / n;
  }
  return out;
}
/** Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of its first n values. */
function ema(x, n) {
  x = toF64(x, "ema"); n = period(n, "ema");
  const out = new Float64Array(x.length).fill(NaN);
  const a = 2 / (n + 1);
  let start = 0;
  while (start < x.length && x[start] !== x[start]) start++;
  if (start + n > x.length) return out;
  let seed = 0;
  for (let i = start; i < start + n; i++) seed += x[i];
  let prev = seed / n;
  out[start + n - 1] = prev;
  for (let i = start + n; i < x.length; i++) { prev = prev + a * (x[i] - prev); out[i] = prev; }
  return out;
}
/** Wilder's relative strength index (0..100); NaN for the first n bars. */
function rsi(x, n = 14) {
  x = toF64(x, "rsi"); n = period(n, "rsi");
  const out = new Float64Array(x.length).fill(NaN);
  if (x.length <= n) return out;
  let gain = 0, loss = 0;
  for (let i = 1; i <= n; i++) { const d = x[i] - x[i - 1]; if (d > 0) gain += d; else loss -= d; }
  gain /= n; loss /= n;
  const value = () => (loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss));
  out[n] = value();
  for (let i = n + 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    gain = (gain * (n - 1) + (d > 0 ? d : 0)) / n;
    loss = (loss * (n - 1) + (d < 0 ? -d : 0)) / n;
    out[i] = value();
  }
  return out;
}
/** Wilder's average true range; NaN for the first n - 1 bars. */
function atr(high, low, close, n = 14) {
  high = toF64(high, "atr"); low = toF64(low, "atr"); close = toF64(close, "atr"); n = period(n, "atr");
  const len = close.length;
  if (high.length !== len || low.length !== len) throw new RangeError("atr: high, low and close must have the same length");
  const out = new Float64Array(len).fill(NaN);
  if (len < n) return out;
  let sum = 0, prev = 0;
  for (let i = 0; i < len; i++) {
    const tr = i === 0 ? high[0] - low[0]
      : Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
    if (i < n) { sum += tr; if (i === n - 1) { prev = sum / n; out[i] = prev; } }
    else { prev = (prev * (n - 1) + tr) / n; out[i] = prev; }
  }
  return out;
}
/** Bollinger bands: middle = SMA(n), upper/lower = middle ± k population standard deviations. */
function bollinger(x, n = 20, k = 2) {
  x = toF64(x, "bollinger"); n = period(n, "bollinger");
  const middle = sma(x, n);
  const upper = new Float64Array(x.length).fill(NaN);
  const lower = new Float64Array(x.length).fill(NaN);
  let sum = 0, sumSq = 0, nans = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) nans++; else { sum += v; sumSq += v * v; }
    if (i >= n) { const o = x[i - n]; if (o !== o) nans--; else { sum -= o; sumSq -= o * o; } }
    if (i >= n - 1 && nans === 0) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
      upper[i] = mean + k * sd; lower[i] = mean - k * sd;
    }
  }
  return { middle, upper, lower };
}
/** 1 where a crosses above b at bar t (a[t] > b[t] and a[t-1] <= b[t-1]), else 0; b may be a number. */
function crossover(a, b) {
  a = toF64(a, "crossover");
  const bs = typeof b === "number" ? null : toF64(b, "crossover");
  if (bs !== null && bs.length !== a.length) throw new RangeError("crossover: both series must have the same length");
  const out = new Float64Array(a.length);
  for (let i = 1; i < a.length; i++) {
    const b0 = bs === null ? b : bs[i - 1], b1 = bs === null ? b : bs[i];
    if (a[i] > b1 && a[i - 1] <= b0) out[i] = 1;
  }
  return out;
}
`;

/** The names the helper module exports, in one place for the runner and the docs test. */
export const INDICATOR_NAMES = ["sma", "ema", "rsi", "atr", "bollinger", "crossover"] as const;
