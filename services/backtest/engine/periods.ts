/**
 * Calendar facts the statistics need, inferred from the bar times as backtesting.py infers
 * them: the data period (median spacing of the last 100 bars), the periods per year used to
 * annualise, the buckets (days, weeks, months, years) whose last equity values give the
 * periodic returns, and the resolution durations are rounded up to.
 */

export const DAY_MS = 86_400_000;
const UNITS_MS = [DAY_MS, 3_600_000, 60_000, 1_000, 1] as const;

/** Median spacing of the last 100 bars in ms (NaN with fewer than two bars). */
export function dataPeriodMs(time: Float64Array): number {
  const tail = time.subarray(Math.max(0, time.length - 100));
  if (tail.length < 2) return Number.NaN;
  const diffs = new Float64Array(tail.length - 1);
  for (let i = 1; i < tail.length; i++) diffs[i - 1] = tail[i]! - tail[i - 1]!;
  diffs.sort();
  const mid = diffs.length >> 1;
  return diffs.length % 2 === 1 ? diffs[mid]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
}

/** The coarsest unit (day, hour, minute, second, ms) that divides the period: durations are rounded up to it. */
export function resolutionMs(periodMs: number): number {
  for (const unit of UNITS_MS) if (periodMs % unit === 0) return unit;
  return 1;
}

/** Rounds a duration up to `unit` (NaN stays NaN). */
export function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

/** How the periodic returns are bucketed: by calendar day, week (ending Sunday), month or year. */
export type Bucket = "day" | "week" | "month" | "year";

/**
 * Periods per year and the return bucket. Weekly, monthly and yearly data annualise by 52, 12
 * and 1; finer data by 365 when the share of bars on a Saturday or Sunday exceeds 60% of 2/7
 * (markets that trade all week, crypto), else by 252 trading days.
 */
export function annualisation(time: Float64Array, periodMs: number): { periodsPerYear: number; bucket: Bucket } {
  const periodDays = Math.floor(periodMs / DAY_MS);
  if (periodDays === 7) return { periodsPerYear: 52, bucket: "week" };
  if (periodDays === 31) return { periodsPerYear: 12, bucket: "month" };
  if (periodDays === 365) return { periodsPerYear: 1, bucket: "year" };
  let weekend = 0;
  for (let i = 0; i < time.length; i++) {
    const weekday = dayOfWeek(time[i]!);
    if (weekday === 0 || weekday === 6) weekend++;
  }
  return { periodsPerYear: weekend / time.length > (2 / 7) * 0.6 ? 365 : 252, bucket: "day" };
}

/** 0 = Sunday ... 6 = Saturday, UTC. */
function dayOfWeek(ms: number): number {
  const days = Math.floor(ms / DAY_MS);
  return (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function bucketKey(ms: number, bucket: Bucket): number {
  const days = Math.floor(ms / DAY_MS);
  switch (bucket) {
    case "day":
      return days;
    case "week":
      return Math.floor((days + 3) / 7); // weeks Monday..Sunday
    case "month": {
      const date = new Date(ms);
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    }
    case "year":
      return new Date(ms).getUTCFullYear();
  }
}

/** The last equity value of each non-empty bucket, in time order. */
export function bucketLastValues(time: Float64Array, equity: Float64Array, bucket: Bucket): Float64Array {
  const n = time.length;
  const out = new Float64Array(n);
  let count = 0;
  let previous = Number.NaN;
  for (let i = 0; i < n; i++) {
    const key = bucketKey(time[i]!, bucket);
    if (key !== previous || count === 0) {
      count++;
      previous = key;
    }
    out[count - 1] = equity[i]!;
  }
  return out.subarray(0, count);
}
