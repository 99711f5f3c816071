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
 * The return bucket for a data period: weekly, monthly and yearly data are bucketed (and
 * annualised: `fixedPeriodsPerYear`) by 52, 12 and 1; finer data by calendar day, annualised
 * by `dailyPeriodsPerYear` from its share of weekend bars.
 */
export function bucketFor(periodMs: number): { bucket: Bucket; fixedPeriodsPerYear?: number } {
  const periodDays = Math.floor(periodMs / DAY_MS);
  if (periodDays === 7) return { bucket: "week", fixedPeriodsPerYear: 52 };
  if (periodDays === 31) return { bucket: "month", fixedPeriodsPerYear: 12 };
  if (periodDays === 365) return { bucket: "year", fixedPeriodsPerYear: 1 };
  return { bucket: "day" };
}

/** 365 when the share of bars on a Saturday or Sunday exceeds 60% of 2/7 (markets that trade all week, crypto), else 252 trading days. */
export function dailyPeriodsPerYear(weekendBars: number, bars: number): number {
  return weekendBars / bars > (2 / 7) * 0.6 ? 365 : 252;
}

/** 0 = Sunday ... 6 = Saturday, UTC. */
function isWeekendDay(days: number): boolean {
  const weekday = (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6;
}

function bucketKey(ms: number, bucket: Bucket): number {
  switch (bucket) {
    case "day":
      return Math.floor(ms / DAY_MS);
    case "week":
      return Math.floor((Math.floor(ms / DAY_MS) + 3) / 7); // weeks Monday..Sunday
    case "month": {
      const date = new Date(ms);
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    }
    case "year":
      return new Date(ms).getUTCFullYear();
  }
}

/** Statistics of the returns between consecutive bucket values (see `periodicReturns`). */
export interface PeriodicReturns {
  /** Bars on a Saturday or Sunday (UTC); counted for the day bucket only (0 otherwise). */
  weekendBars: number;
  gmean: number;
  variance: number;
  downsideMeanSquare: number;
}

/**
 * Returns between the last equity values of consecutive non-empty buckets (pandas'
 * `resample(...).last().dropna().pct_change()`), streamed: no array of bucket values.
 * `gmean` counts the first bucket as a zero return (the reference fills the leading NaN with 0)
 * and is 0 once any value falls to 0 or below; the product of the 1 + r telescopes to
 * last / first, so it takes one logarithm. `variance` (ddof 1) and the downside mean square
 * skip the leading NaN, as pandas does.
 */
export function periodicReturns(time: Float64Array, equity: Float64Array, bucket: Bucket): PeriodicReturns {
  const n = time.length;
  const acc = new ReturnAccumulator();
  const daily = bucket === "day";
  let key = bucketKey(time[0]!, bucket);
  let runStart = 0; // first bar of the current bucket
  let weekendBars = 0;
  for (let i = 1; i < n; i++) {
    const next = daily ? Math.floor(time[i]! / DAY_MS) : bucketKey(time[i]!, bucket);
    if (next !== key) {
      acc.add(equity[i - 1]!);
      // The weekday is a property of the whole day: checked once per day, counted per bar.
      if (daily && isWeekendDay(key)) weekendBars += i - runStart;
      key = next;
      runStart = i;
    }
  }
  acc.add(equity[n - 1]!);
  if (daily && isWeekendDay(key)) weekendBars += n - runStart;
  return { ...acc.result(), weekendBars };
}

class ReturnAccumulator {
  private buckets = 0;
  private first = 0;
  private previous = 0;
  private ruined = false;
  // Plain sums, not Welford: returns are small numbers around 0, where the sums lose nothing
  // that matters, and it saves a division per period.
  private sum = 0;
  private sumSquares = 0;
  private downside = 0;

  add(value: number): void {
    if (this.buckets++ === 0) {
      this.first = value;
    } else {
      const r = value / this.previous - 1;
      if (!(1 + r > 0)) this.ruined = true;
      this.sum += r;
      this.sumSquares += r * r;
      if (r < 0) this.downside += r * r;
    }
    this.previous = value;
  }

  result(): Omit<PeriodicReturns, "weekendBars"> {
    const count = this.buckets - 1;
    return {
      gmean: this.ruined ? 0 : Math.exp(Math.log(this.previous / this.first) / this.buckets) - 1,
      variance: count > 1 ? Math.max(0, this.sumSquares - (this.sum * this.sum) / count) / (count - 1) : Number.NaN,
      downsideMeanSquare: count > 0 ? this.downside / count : Number.NaN,
    };
  }
}
