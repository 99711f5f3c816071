/** Validation: ordering and OHLC errors name the bar; gaps are reported, weekends of a weekday market are not gaps. */
import { describe, expect, it } from "vitest";
import { validateBars } from "../../../services/backtest/data/validate.js";
import { barsFrom, DAY, T0 } from "../engine/bars-fixture.js";
import { googBars } from "../engine/goog-fixture.js";

describe("validateBars", () => {
  it("accepts GOOG and reports only its market holidays as gaps", () => {
    const report = validateBars(googBars(), 1440);
    expect(report.bars).toBe(2148);
    // 2004-09-06 (Labor Day) is a Monday with no bar: one weekday missing after Friday 09-03.
    const laborDay = report.gaps.find((gap) => gap.from === Date.UTC(2004, 8, 3));
    expect(laborDay).toMatchObject({ missingBars: 1, to: Date.UTC(2004, 8, 7) });
    // Ordinary weekends are not gaps: about nine holidays a year, not 52 weekends.
    expect(report.gapCount).toBeGreaterThan(60);
    expect(report.gapCount).toBeLessThan(100);
  });

  it("reports missing bars of an intraday series, counting them", () => {
    const bars = barsFrom([1, 1, 1, 1], [1, 1, 1, 1], 60_000);
    bars.time[3] = T0 + 10 * 60_000; // bars 3..9 missing
    const report = validateBars(bars, 1);
    expect(report.gapCount).toBe(1);
    expect(report.gaps[0]).toEqual({ after: 2, from: T0 + 120_000, to: T0 + 600_000, missingBars: 7 });
  });

  it("counts weekends as gaps when the data trades on weekends", () => {
    const bars = barsFrom([1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]); // Mon 2024-01-01 .. Sat 01-06, daily
    bars.time[6] = T0 + 10 * DAY; // then Thursday 01-11: Sunday to Wednesday missing
    expect(validateBars(bars, 1440).gaps[0]!.missingBars).toBe(4);
    const weekdaysOnly = barsFrom([1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]);
    weekdaysOnly.time[5] = T0 + 9 * DAY; // Friday 01-05, then Wednesday 01-10: only Monday and Tuesday count
    expect(validateBars(weekdaysOnly, 1440).gaps[0]!.missingBars).toBe(2);
  });

  it("refuses a timestamp that does not increase, naming both bars", () => {
    const bars = barsFrom([1, 1, 1], [1, 1, 1]);
    bars.time[2] = bars.time[1]!;
    expect(() => validateBars(bars)).toThrow(
      expect.objectContaining({ code: "DAT_UNORDERED", message: expect.stringMatching(/^bar 2 at 2024-01-02T00:00:00.000Z is not after bar 1/) }),
    );
  });

  it("refuses inconsistent or impossible prices", () => {
    const highBelowClose = barsFrom([10, 10], [10, 12]);
    highBelowClose.high[1] = 11;
    expect(() => validateBars(highBelowClose)).toThrow(expect.objectContaining({ code: "DAT_OHLC_INCONSISTENT", message: expect.stringMatching(/^bar 1 .*close 12 must lie within low/) }));
    const negative = barsFrom([10, 10], [10, 10]);
    negative.low[0] = -1;
    expect(() => validateBars(negative)).toThrow(/bar 0 .*finite and positive/);
    const nan = barsFrom([10, 10], [10, 10]);
    nan.open[1] = Number.NaN;
    expect(() => validateBars(nan)).toThrow(/DAT_OHLC|finite and positive/);
    const volume = barsFrom([10, 10], [10, 10]);
    volume.volume[1] = -5;
    expect(() => validateBars(volume)).toThrow(/volume -5/);
  });
});
