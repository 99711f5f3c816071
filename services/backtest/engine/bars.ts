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

/** Bars with `n` zeroed rows. */
export function allocateBars(n: number): Bars {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
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

/** Compact copies of the columns (each its own exactly-sized buffer, as the sandbox transfers them). */
export function copyBars(bars: Bars): Bars {
  return {
    time: bars.time.slice(),
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
    volume: bars.volume.slice(),
  };
}
