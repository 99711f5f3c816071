/**
 * The columnar bar layout every part of the backtest shares: one Float64Array per column, all
 * of one length. Columns move into the sandbox without copying and the engine reads them in
 * one pass, so nothing here is an array of objects.
 */

/** OHLCV bars, one typed array per column, all the same length. */
export interface Bars {
  /** Bar open time, epoch milliseconds (UTC), strictly increasing. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The column names, in the order the cache and the fingerprint store them. */
export const BAR_COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;
export type BarColumn = (typeof BAR_COLUMNS)[number];

/**
 * Bars with `n` zeroed rows, all six columns in one SharedArrayBuffer: the JavaScript sandbox
 * hands that memory to the isolate as it is, where the runner copies only the columns the
 * strategy reads (sandbox/js), so loaded bars can be shared by every job that uses them.
 */
export function allocateBars(n: number): Bars {
  const memory = new SharedArrayBuffer(n * 8 * BAR_COLUMNS.length);
  const [time, open, high, low, close, volume] = BAR_COLUMNS.map((_, k) => new Float64Array(memory, k * n * 8, n)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { time, open, high, low, close, volume };
}

/** Number of bars (the length of the time column). */
export function barCount(bars: Bars): number {
  return bars.time.length;
}

/** Rows [from, to) as views on the same memory (no copy). */
export function sliceBars(bars: Bars, from: number, to: number): Bars {
  return {
    time: bars.time.subarray(from, to),
    open: bars.open.subarray(from, to),
    high: bars.high.subarray(from, to),
    low: bars.low.subarray(from, to),
    close: bars.close.subarray(from, to),
    volume: bars.volume.subarray(from, to),
  };
}

/** A compact copy, laid out as allocateBars lays bars out. */
export function copyBars(bars: Bars): Bars {
  const copy = allocateBars(bars.time.length);
  for (const name of BAR_COLUMNS) copy[name].set(bars[name]);
  return copy;
}
