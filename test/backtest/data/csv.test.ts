/** CSV parsing: both layouts, time formats, and errors that name the line and column. */
import { describe, expect, it } from "vitest";
import { parseCsvBars, parseTime } from "../../../services/backtest/data/csv.js";
import { googBars } from "../engine/goog-fixture.js";

describe("parseCsvBars", () => {
  it("reads backtesting.py's layout (unnamed date column, capitalised names)", () => {
    const bars = googBars();
    expect(bars.time.length).toBe(2148);
    expect(bars.time[0]).toBe(Date.UTC(2004, 7, 19));
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([100, 104.06, 95.96, 100.34, 22351900]);
    expect(bars.time[2147]).toBe(Date.UTC(2013, 2, 1));
    expect(bars.close[2147]).toBe(806.19);
  });

  it("reads the plain layout with epoch seconds, epoch ms, ISO times, CRLF, a BOM and no volume", () => {
    const text = "\uFEFFtime,open,high,low,close\r\n1704067200,1,2,0.5,1.5\r\n1704067260000,1.5,2,1,1.8\r\n2024-01-01T00:02:00Z,1.8,2,1,1.9\r\n2024-01-01 00:03,1.9,2,1,1.7\r\n\r\n";
    const bars = parseCsvBars(text, "plain.csv");
    const t0 = Date.UTC(2024, 0, 1);
    expect(Array.from(bars.time)).toEqual([t0, t0 + 60_000, t0 + 120_000, t0 + 180_000]);
    expect(Array.from(bars.volume)).toEqual([0, 0, 0, 0]);
    expect(bars.close.length).toBe(4); // blank lines do not leave zero rows behind
    expect(bars.close.buffer.byteLength).toBe(6 * 4 * 8); // six columns of four rows, nothing spare
  });

  it("honours an offset in a date-time", () => {
    expect(parseTime("2024-01-01T02:00:00+02:00")).toBe(Date.UTC(2024, 0, 1));
    expect(parseTime("01/02/2024")).toBeNaN();
  });

  it("names a missing column", () => {
    expect(() => parseCsvBars("time,open,high,low\n1,1,1,1\n", "x.csv")).toThrow(
      expect.objectContaining({ code: "DAT_PARSE", message: expect.stringMatching(/x\.csv: the header has no close column/) }),
    );
    expect(() => parseCsvBars("when,open,high,low,close\n", "y.csv")).toThrow(/no time column/);
  });

  it("names the line and column of a bad field", () => {
    expect(() => parseCsvBars("time,open,high,low,close\n2024-01-01,1,2,0.5,1\n2024-01-02,1,two,0.5,1\n", "z.csv")).toThrow(
      expect.objectContaining({ code: "DAT_PARSE", message: 'z.csv line 3: high "two" is not a number' }),
    );
    expect(() => parseCsvBars("time,open,high,low,close\nyesterday,1,2,0.5,1\n", "z.csv")).toThrow(/z\.csv line 2: time "yesterday"/);
    expect(() => parseCsvBars("time,open,high,low,close\n2024-01-01,1,2,0.5\n", "z.csv")).toThrow(/close "" is not a number/);
  });
});
