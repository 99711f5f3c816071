/**
 * The indicator helpers strategies get as `require("quantmind")` / `import ... from "quantmind"`,
 * as JavaScript source evaluated inside each isolate (nothing of the host goes in). Every
 * helper takes and returns Float64Arrays, runs in O(n), and yields NaN where its window is not
 * yet full or holds a NaN, so outputs line up bar for bar with the inputs.
 */
export const INDICATORS_SOURCE = String.raw`
// Performance (bench/backtest-sandbox.ts): every isolate is fresh, so each helper's loop runs
// cold once and new memory costs a page fault per 4 KiB on first touch. So each output array
// is written exactly once (no separate fill(NaN) pass), loops never mix numbers with objects in
// one variable (that boxes every double), and the arguments are never reassigned.
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
function sma(values, length) {
  const x = toF64(values, "sma"), n = period(length, "sma"), len = x.length;
  let start = 0;
  while (start < len && x[start] !== x[start]) start++;
  // After the leading NaN run (another helper's warm-up) a plain rolling sum, three times faster
  // than counting NaN at every bar. A NaN (or an infinity) further on makes the sum NaN for
  // good, which the end of the loop sees: then the careful version runs instead.
  const out = new Float64Array(len);
  const first = start + n - 1;
  for (let i = 0; i < first && i < len; i++) out[i] = NaN;
  if (first >= len) return out;
  let sum = 0;
  for (let i = start; i <= first; i++) sum += x[i];
  out[first] = sum / n;
  for (let i = first + 1; i < len; i++) {
    // Added, then subtracted, as smaWithGaps does: both give bit-identical averages.
    sum += x[i];
    sum -= x[i - n];
    out[i] = sum / n;
  }
  return sum === sum ? out : smaWithGaps(x, n, len);
}
/** sma over values with NaN among them: a window holding a NaN yields NaN. */
function smaWithGaps(x, n, len) {
  const out = new Float64Array(len);
  let sum = 0, nans = 0;
  for (let i = 0; i < len; i++) {
    const v = x[i];
    if (v !== v) nans++; else sum += v;
    if (i >= n) { const o = x[i - n]; if (o !== o) nans--; else sum -= o; }
    out[i] = i >= n - 1 && nans === 0 ? sum / n : NaN;
  }
  return out;
}
/** Exponential moving average, alpha = 2 / (n + 1), seeded with the SMA of its first n values. */
function ema(values, length) {
  const x = toF64(values, "ema"), n = period(length, "ema"), len = x.length;
  const out = new Float64Array(len);
  const a = 2 / (n + 1);
  let start = 0;
  while (start < len && x[start] !== x[start]) start++;
  const first = start + n - 1;
  let prev = 0;
  for (let i = 0; i < len; i++) {
    if (i < first) { out[i] = NaN; if (i >= start) prev += x[i]; }
    else if (i === first) { prev = (prev + x[i]) / n; out[i] = prev; }
    else { prev = prev + a * (x[i] - prev); out[i] = prev; }
  }
  return out;
}
/** Wilder's relative strength index (0..100); NaN for the first n bars. */
function rsi(values, length = 14) {
  const x = toF64(values, "rsi"), n = period(length, "rsi"), len = x.length;
  const out = new Float64Array(len);
  let gain = 0, loss = 0;
  for (let i = 0; i < len; i++) {
    if (i === 0) { out[i] = NaN; continue; }
    const d = x[i] - x[i - 1];
    const up = d > 0 ? d : 0, down = d < 0 ? -d : 0;
    if (i < n) { gain += up; loss += down; out[i] = NaN; continue; }
    if (i === n) { gain = (gain + up) / n; loss = (loss + down) / n; }
    else { gain = (gain * (n - 1) + up) / n; loss = (loss * (n - 1) + down) / n; }
    out[i] = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  }
  return out;
}
/** Wilder's average true range; NaN for the first n - 1 bars. */
function atr(highs, lows, closes, length = 14) {
  const high = toF64(highs, "atr"), low = toF64(lows, "atr"), close = toF64(closes, "atr"), n = period(length, "atr");
  const len = close.length;
  if (high.length !== len || low.length !== len) throw new RangeError("atr: high, low and close must have the same length");
  const out = new Float64Array(len);
  let sum = 0, prev = 0;
  for (let i = 0; i < len; i++) {
    const tr = i === 0 ? high[0] - low[0]
      : Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
    if (i < n) {
      sum += tr;
      if (i === n - 1) { prev = sum / n; out[i] = prev; } else out[i] = NaN;
    } else { prev = (prev * (n - 1) + tr) / n; out[i] = prev; }
  }
  return out;
}
/** Bollinger bands: middle = SMA(n), upper/lower = middle ± k population standard deviations. */
function bollinger(values, length = 20, k = 2) {
  const x = toF64(values, "bollinger"), n = period(length, "bollinger"), len = x.length;
  const middle = new Float64Array(len), upper = new Float64Array(len), lower = new Float64Array(len);
  let sum = 0, sumSq = 0, nans = 0;
  for (let i = 0; i < len; i++) {
    const v = x[i];
    if (v !== v) nans++; else { sum += v; sumSq += v * v; }
    if (i >= n) { const o = x[i - n]; if (o !== o) nans--; else { sum -= o; sumSq -= o * o; } }
    if (i >= n - 1 && nans === 0) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
      middle[i] = mean; upper[i] = mean + k * sd; lower[i] = mean - k * sd;
    } else {
      middle[i] = NaN; upper[i] = NaN; lower[i] = NaN;
    }
  }
  return { middle, upper, lower };
}
/** 1 where a crosses above b at bar t (a[t] > b[t] and a[t-1] <= b[t-1]), else 0; b may be a number. */
function crossover(series, other) {
  const a = toF64(series, "crossover"), len = a.length;
  const out = new Float64Array(len);
  if (typeof other === "number") {
    let wasAtOrBelow = len > 0 && a[0] <= other;
    for (let i = 1; i < len; i++) {
      const ai = a[i];
      if (wasAtOrBelow && ai > other) out[i] = 1;
      wasAtOrBelow = ai <= other;
    }
    return out;
  }
  const b = toF64(other, "crossover");
  if (b.length !== len) throw new RangeError("crossover: both series must have the same length");
  // Each comparison is made once and carried to the next bar (NaN compares false both ways).
  let wasAtOrBelow = len > 0 && a[0] <= b[0];
  for (let i = 1; i < len; i++) {
    const ai = a[i], bi = b[i];
    if (wasAtOrBelow && ai > bi) out[i] = 1;
    wasAtOrBelow = ai <= bi;
  }
  return out;
}
`;

/** The names the helper module exports, in one place for the runner and the docs test. */
export const INDICATOR_NAMES = ["sma", "ema", "rsi", "atr", "bollinger", "crossover"] as const;
