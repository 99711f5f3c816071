/**
 * Checks bars before anything trades on them: strictly increasing times, finite positive
 * prices with low <= open, close <= high, finite non-negative volume. The first violation
 * throws a DAT_ error naming the bar. Gaps (missing bars) are reported, not refused: markets
 * close on holidays, and the caller decides whether a gap matters.
 */
import type { Bars } from "../engine/bars.js";
import { DataOhlcError, DataOrderError } from "../errors.js";

const DAY_MS = 86_400_000;
/** Gaps listed in a report; the count covers all of them. */
export const MAX_REPORTED_GAPS = 100;

export interface Gap {
  /** Index of the bar after which bars are missing. */
  after: number;
  from: number;
  to: number;
  /** Bars that would fit between the two (at the expected spacing). */
  missingBars: number;
}

export interface ValidationReport {
  bars: number;
  /** Expected spacing in ms: the timeframe when given, else the smallest spacing seen. */
  stepMs: number;
  gapCount: number;
  /** The first MAX_REPORTED_GAPS gaps. */
  gaps: Gap[];
}

/**
 * Validates `bars`; `timeframeMinutes` sets the expected spacing (else the smallest seen).
 * Weekends are not gaps when the data has no weekend bars at all (an exchange closed on
 * Saturday and Sunday).
 */
export function validateBars(bars: Bars, timeframeMinutes?: number): ValidationReport {
  const { time, open, high, low, close, volume } = bars;
  const n = time.length;
  let smallest = Number.POSITIVE_INFINITY;
  let weekendBars = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (!Number.isFinite(t)) throw new DataOhlcError(i, 0, `time is ${t}`);
    if (i > 0) {
      const step = t - time[i - 1]!;
      if (!(step > 0)) throw new DataOrderError(i, time[i - 1]!, t);
      if (step < smallest) smallest = step;
    }
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    if (!(o > 0 && h > 0 && l > 0 && c > 0) || !Number.isFinite(o + h + l + c)) {
      throw new DataOhlcError(i, t, `prices must be finite and positive (open ${o}, high ${h}, low ${l}, close ${c})`);
    }
    if (!(l <= o && o <= h && l <= c && c <= h)) {
      throw new DataOhlcError(i, t, `open ${o} and close ${c} must lie within low ${l} and high ${h}`);
    }
    const v = volume[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new DataOhlcError(i, t, `volume ${v} must be finite and not negative`);
    if (isWeekend(t)) weekendBars++;
  }

  const stepMs = timeframeMinutes !== undefined ? timeframeMinutes * 60_000 : smallest;
  const report: ValidationReport = { bars: n, stepMs: Number.isFinite(stepMs) ? stepMs : 0, gapCount: 0, gaps: [] };
  if (n < 2 || !Number.isFinite(stepMs)) return report;
  const skipWeekends = weekendBars === 0 && stepMs <= DAY_MS;
  for (let i = 1; i < n; i++) {
    const from = time[i - 1]!;
    const to = time[i]!;
    if (to - from <= stepMs) continue;
    const missingBars = skipWeekends ? weekdaySlots(from, to, stepMs) : Math.round((to - from) / stepMs) - 1;
    if (missingBars <= 0) continue;
    report.gapCount++;
    if (report.gaps.length < MAX_REPORTED_GAPS) report.gaps.push({ after: i - 1, from, to, missingBars });
  }
  return report;
}

function isWeekend(ms: number): boolean {
  const weekday = (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
}

/** Slots at `stepMs` strictly between `from` and `to` that do not fall on a weekend. */
function weekdaySlots(from: number, to: number, stepMs: number): number {
  let count = 0;
  // Bounded: a daily series with a year-long hole checks 365 slots; finer steps are capped.
  const slots = Math.min(Math.round((to - from) / stepMs) - 1, 1_000_000);
  for (let k = 1; k <= slots; k++) if (!isWeekend(from + k * stepMs)) count++;
  return count;
}
