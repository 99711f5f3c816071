/** The backtest configuration schema: defaults, bounds, unknown keys, ranges, sizing and parameters. */
import { describe, expect, it } from "vitest";
import { BacktestConfigSchema, configRange, parseBacktestConfig } from "../../services/backtest/config.js";

const issues = (input: unknown) => {
  const result = BacktestConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("BacktestConfigSchema", () => {
  it("fills the documented defaults", () => {
    expect(parseBacktestConfig({})).toEqual({
      timeframe: 1440,
      initial_capital: 10_000,
      commission: 0,
      slippage: 0,
      fill: "next_open",
      sizing: { mode: "all_in_units" },
      allow_short: true,
      close_at_end: true,
      params: {},
    });
  });

  it("refuses unknown keys, naming them (a typo never runs a free backtest)", () => {
    expect(issues({ comission: 0.01 }).join()).toMatch(/comission/);
    expect(issues({ sizing: { mode: "fixed_units", units: 1, extra: 1 } }).join()).toMatch(/extra/);
  });

  it("bounds every number", () => {
    expect(issues({ initial_capital: 0 })).toHaveLength(1);
    expect(issues({ initial_capital: 1e13 })).toHaveLength(1);
    expect(issues({ commission: -0.001 })).toHaveLength(1);
    expect(issues({ commission: 0.5 })).toHaveLength(1);
    expect(issues({ slippage: 0.2 })).toHaveLength(1);
    expect(issues({ sizing: { mode: "fraction_of_equity", fraction: 1.5 } })).toHaveLength(1);
    expect(issues({ sizing: { mode: "fraction_of_equity" } })).toHaveLength(1);
    expect(issues({ sizing: { mode: "fixed_units", units: 0 } })).toHaveLength(1);
    expect(issues({ initial_capital: Number.NaN })).toHaveLength(1);
  });

  it("takes only the listed timeframes", () => {
    expect(parseBacktestConfig({ timeframe: 240 }).timeframe).toBe(240);
    expect(issues({ timeframe: 7 }).join()).toMatch(/timeframe must be one of 1, 2, 3/);
    expect(issues({ timeframe: 60.5 })).not.toEqual([]);
  });

  it("requires start before end, as ISO dates or date-times", () => {
    expect(configRange(parseBacktestConfig({ start: "2020-01-01", end: "2020-02-01T12:00:00Z" }))).toEqual({
      startMs: Date.UTC(2020, 0, 1),
      endMs: Date.UTC(2020, 1, 1, 12),
    });
    expect(issues({ start: "2020-02-01", end: "2020-01-01" }).join()).toMatch(/^end: end \(2020-01-01\) must be after start/);
    expect(issues({ start: "2020-01-01", end: "2020-01-01" })).toHaveLength(1);
    expect(issues({ start: "yesterday" })).toHaveLength(1);
    expect(configRange(parseBacktestConfig({}))).toEqual({ startMs: -Infinity, endMs: Infinity });
  });

  it("keeps parameters small and flat", () => {
    expect(parseBacktestConfig({ params: { fast: 10, mode: "ema", on: true } }).params).toEqual({ fast: 10, mode: "ema", on: true });
    expect(issues({ params: { "bad name": 1 } })).toHaveLength(1);
    expect(issues({ params: { nested: { a: 1 } } })).toHaveLength(1);
    expect(issues({ params: { s: "x".repeat(257) } })).toHaveLength(1);
    expect(issues({ params: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, i])) }).join()).toMatch(/at most 64/);
  });

  it("checks the symbol", () => {
    expect(parseBacktestConfig({ symbol: "BTCUSDT" }).symbol).toBe("BTCUSDT");
    expect(parseBacktestConfig({ symbol: "BTC/USDT" }).symbol).toBe("BTC/USDT");
    expect(issues({ symbol: "../etc/passwd" })).toHaveLength(1);
    expect(issues({ symbol: "a b" })).toHaveLength(1);
    expect(issues({ symbol: "x".repeat(33) })).toHaveLength(1);
  });
});
