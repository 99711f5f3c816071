/** Small hand-made bar sets for the engine tests: one bar per day from 2024-01-01 (a Monday). */
import { allocateBars, type Bars } from "../../../services/backtest/engine/bars.js";

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);

/** Bars from open and close columns; high and low bracket them. */
export function barsFrom(open: number[], close: number[], stepMs = DAY): Bars {
  const bars = allocateBars(open.length);
  for (let i = 0; i < open.length; i++) {
    bars.time[i] = T0 + i * stepMs;
    bars.open[i] = open[i]!;
    bars.close[i] = close[i]!;
    bars.high[i] = Math.max(open[i]!, close[i]!) + 0.5;
    bars.low[i] = Math.min(open[i]!, close[i]!) - 0.5;
    bars.volume[i] = 100;
  }
  return bars;
}

/** A target array from numbers, `null` meaning NaN (hold). */
export function targetsOf(values: (number | null)[]): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
}
