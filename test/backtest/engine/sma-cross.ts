/**
 * backtesting.py's SmaCross example as targets: +1 when the fast SMA crosses above the slow
 * one, -1 when it crosses below, NaN (hold) otherwise. `crossover` is the reference's:
 * a[t-1] < b[t-1] and a[t] > b[t].
 */
export function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = period - 1; i < values.length; i++) {
    let sum = 0;
    for (let k = i - period + 1; k <= i; k++) sum += values[k]!;
    out[i] = sum / period;
  }
  return out;
}

export function smaCrossTargets(close: Float64Array, fast: number, slow: number): Float64Array {
  const a = sma(close, fast);
  const b = sma(close, slow);
  const targets = new Float64Array(close.length).fill(Number.NaN);
  for (let i = 1; i < close.length; i++) {
    if (a[i - 1]! < b[i - 1]! && a[i]! > b[i]!) targets[i] = 1;
    else if (b[i - 1]! < a[i - 1]! && b[i]! > a[i]!) targets[i] = -1;
  }
  return targets;
}
