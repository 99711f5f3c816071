/**
 * Small cases worked out by hand (the arithmetic is in the comments): buy and hold, one losing
 * trade, no trade, commission, slippage, a short, a reversal, fills at the close, sizing modes,
 * shorts refused, a wipe-out, and bad targets.
 */
import { describe, expect, it } from "vitest";
import { parseBacktestConfig, type BacktestConfigInput } from "../../../services/backtest/config.js";
import { runEngine } from "../../../services/backtest/engine/run-engine.js";
import { allocateBars } from "../../../services/backtest/engine/bars.js";
import { barsFrom, DAY, T0, targetsOf } from "./bars-fixture.js";

const config = (input: BacktestConfigInput = {}) => parseBacktestConfig({ initial_capital: 1000, ...input });
const UP = barsFrom([10, 11, 12, 13, 14], [10.5, 11.5, 12.5, 13.5, 14.5]);
const DOWN = barsFrom([20, 18, 16, 14], [19, 17, 15, 13]);

describe("buy and hold", () => {
  // Signal on bar 0 -> fill at bar 1's open, 11: floor(1000 / 11) = 90 units, cash stays 1000.
  // Equity at closes: 1000, 1000 + 90 x 0.5, + 90 x 1.5, + 90 x 2.5; closed at the last open 14: 1000 + 90 x 3.
  const result = runEngine(UP, targetsOf([1, null, null, null, null]), config());

  it("fills at the next open with whole units and closes at the last open", () => {
    expect(Array.from(result.equity)).toEqual([1000, 1045, 1135, 1225, 1270]);
    expect(result.trades).toEqual([
      {
        entry_bar: 1,
        entry_time: UP.time[1],
        exit_bar: 4,
        exit_time: UP.time[4],
        side: "long",
        size: 90,
        entry_price: 11,
        exit_price: 14,
        pnl: 270,
        return_pct: (3 / 11) * 100,
        commission: 0,
      },
    ]);
  });

  it("computes the statistics from that", () => {
    const { stats } = result;
    expect(stats.return_pct).toBeCloseTo(27, 10);
    expect(stats.equity_final).toBe(1270);
    expect(stats.equity_peak).toBe(1270);
    expect(stats.exposure_time_pct).toBe(80); // bars 1..4 of 5
    expect(stats.buy_hold_return_pct).toBeCloseTo((14.5 / 10.5 - 1) * 100, 10);
    expect(stats.trades).toBe(1);
    expect(stats.win_rate_pct).toBe(100);
    expect(stats.max_drawdown_pct).toBe(0);
    expect(stats.avg_drawdown_pct).toBeNull(); // never below a peak
    expect(stats.profit_factor).toBeNull(); // no losing trade to divide by
    expect(stats.sqn).toBeNull(); // one trade has no standard deviation
    expect(stats.max_trade_duration_days).toBe(3);
    expect(stats.max_trade_duration_bars).toBe(3);
    expect(stats.duration_days).toBe(4);
    expect(stats.annual_periods).toBe(252); // 2024-01-01..05 is Monday..Friday
    // Daily returns 4.5%, 8.612..%, 7.929..%, 3.673..%; geometric mean over the 5 days (the first counts as 0).
    const gmean = (1270 / 1000) ** (1 / 5) - 1;
    expect(stats.return_ann_pct).toBeCloseTo(((1 + gmean) ** 252 - 1) * 100, 6);
    expect(stats.cagr_pct).toBeCloseTo((1.27 ** (252 / 4) - 1) * 100, 6);
  });
});

describe("one losing trade", () => {
  // Long at bar 1's open 18: floor(1000 / 18) = 55 units; flat signal on bar 2 -> sold at bar 3's open 14.
  // Loss 55 x 4 = 220. Equity: 1000, 1000 - 55, 1000 - 165, 780.
  const { equity, trades, stats } = runEngine(DOWN, targetsOf([1, null, 0, null]), config());

  it("books the loss and its drawdown", () => {
    expect(Array.from(equity)).toEqual([1000, 945, 835, 780]);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ side: "long", size: 55, entry_price: 18, exit_price: 14, pnl: -220, exit_bar: 3 });
    expect(stats.return_pct).toBeCloseTo(-22, 10);
    expect(stats.win_rate_pct).toBe(0);
    expect(stats.worst_trade_pct).toBeCloseTo((14 / 18 - 1) * 100, 10);
    expect(stats.max_drawdown_pct).toBeCloseTo(-22, 10);
    expect(stats.avg_drawdown_pct).toBeCloseTo(-22, 10);
    expect(stats.max_drawdown_duration_bars).toBe(3); // from bar 0 (the peak) to the last bar
    expect(stats.profit_factor).toBe(0);
    expect(stats.kelly_criterion).toBeNull(); // no winning trade
  });
});

describe("no trade", () => {
  it("keeps equity flat at the capital and leaves trade statistics undefined", () => {
    const { equity, trades, stats } = runEngine(UP, targetsOf([null, null, null, null, null]), config());
    expect(Array.from(equity)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(trades).toEqual([]);
    expect(stats).toMatchObject({
      return_pct: 0,
      trades: 0,
      exposure_time_pct: 0,
      max_drawdown_pct: 0,
      win_rate_pct: null,
      best_trade_pct: null,
      avg_trade_pct: null,
      expectancy_pct: null,
      sqn: null,
      sharpe_ratio: null,
      volatility_ann_pct: 0,
      return_ann_pct: 0,
    });
  });

  it("a constant target trades once, not every bar", () => {
    const { trades } = runEngine(UP, targetsOf([1, 1, 1, 1, 1]), config());
    expect(trades).toHaveLength(1);
  });
});

describe("costs", () => {
  it("charges commission on both sides and sizes with it", () => {
    // floor(1000 / (11 x 1.01)) = 90 units; entry commission 90 x 11 x 1% = 9.9, exit 90 x 14 x 1% = 12.6.
    const { trades, stats, equity } = runEngine(UP, targetsOf([1, null, null, null, null]), config({ commission: 0.01 }));
    expect(trades[0]!.size).toBe(90);
    expect(trades[0]!.commission).toBeCloseTo(22.5, 10);
    expect(trades[0]!.pnl).toBeCloseTo(247.5, 10);
    expect(trades[0]!.return_pct).toBeCloseTo((3 / 11 - 22.5 / 990) * 100, 10);
    expect(equity[1]).toBeCloseTo(1000 - 9.9 + 45, 10);
    expect(stats.equity_final).toBeCloseTo(1247.5, 10);
    expect(stats.commissions).toBeCloseTo(22.5, 10);
  });

  it("slips every fill against the trade", () => {
    // Buy at 11 x 1.01 = 11.11: floor(1000 / 11.11) = 90 units; sell at 14 x 0.99 = 13.86.
    const { trades, stats } = runEngine(UP, targetsOf([1, null, null, null, null]), config({ slippage: 0.01 }));
    expect(trades[0]!.entry_price).toBeCloseTo(11.11, 12);
    expect(trades[0]!.exit_price).toBeCloseTo(13.86, 12);
    expect(trades[0]!.size).toBe(90);
    expect(stats.equity_final).toBeCloseTo(1000 + 90 * (13.86 - 11.11), 9);
  });
});

describe("shorts and reversals", () => {
  it("profits from a short in a falling market", () => {
    // Short at 18: 55 units; equity 1000 + 55 x (18 - close); closed at the last open 14: +220.
    const { equity, trades } = runEngine(DOWN, targetsOf([-1, null, null, null]), config());
    expect(Array.from(equity)).toEqual([1000, 1055, 1165, 1220]);
    expect(trades[0]).toMatchObject({ side: "short", size: 55, entry_price: 18, exit_price: 14, pnl: 220 });
    expect(trades[0]!.return_pct).toBeCloseTo((4 / 18) * 100, 10);
  });

  it("reverses long to short on one bar at one price", () => {
    // Long 90 at 11; the -1 on bar 2 fills at bar 3's open 13: +180, cash 1180, then short floor(1180 / 13) = 90.
    const { trades, equity } = runEngine(UP, targetsOf([1, null, -1, null, null]), config());
    expect(trades.map((t) => [t.side, t.entry_bar, t.exit_bar, t.size, t.entry_price, t.exit_price])).toEqual([
      ["long", 1, 3, 90, 11, 13],
      ["short", 3, 4, 90, 13, 14],
    ]);
    expect(equity[3]).toBe(1180 - 90 * 0.5);
    expect(equity[4]).toBe(1180 - 90);
  });

  it("treats a short target as flat when shorts are not allowed", () => {
    const { trades, equity } = runEngine(DOWN, targetsOf([-1, null, null, null]), config({ allow_short: false }));
    expect(trades).toEqual([]);
    expect(Array.from(equity)).toEqual([1000, 1000, 1000, 1000]);
    const reversal = runEngine(UP, targetsOf([1, null, -1, null, null]), config({ allow_short: false }));
    expect(reversal.trades.map((t) => t.side)).toEqual(["long"]); // the -1 only closes
  });
});

describe("fills at the close", () => {
  it("fills a target at its own bar's close and ends at the last close", () => {
    // Bar 0's close 10.5: floor(1000 / 10.5) = 95 units; closed at 14.5: +380.
    const { trades, equity } = runEngine(UP, targetsOf([1, null, null, null, null]), config({ fill: "close" }));
    expect(trades[0]).toMatchObject({ entry_bar: 0, entry_price: 10.5, exit_bar: 4, exit_price: 14.5, size: 95 });
    expect(equity[0]).toBe(1000);
    expect(equity[4]).toBe(1380);
  });
});

describe("sizing modes", () => {
  it("fraction_of_equity buys fractional units", () => {
    // 1000 x 0.5 (target) x 0.5 (fraction) / 11 = 22.7272... units.
    const { trades } = runEngine(UP, targetsOf([0.5, null, null, null, null]), config({ sizing: { mode: "fraction_of_equity", fraction: 0.5 } }));
    expect(trades[0]!.size).toBeCloseTo(250 / 11, 12);
  });

  it("fixed_units buys |target| x units whatever the equity", () => {
    const { trades } = runEngine(UP, targetsOf([-2, null, null, null, null]), config({ sizing: { mode: "fixed_units", units: 3 } }));
    expect(trades[0]).toMatchObject({ side: "short", size: 6 });
  });

  it("all_in_units stays flat when not one unit is affordable", () => {
    const { trades } = runEngine(UP, targetsOf([1, null, null, null, null]), config({ initial_capital: 5 }));
    expect(trades).toEqual([]);
  });
});

describe("wipe-out", () => {
  it("stops trading with equity 0 once the account is gone", () => {
    // 200 units short at 10 against 1000 of capital; the close of bar 1 is 16: 1000 - 200 x 6 < 0.
    const bars = barsFrom([10, 10, 20, 30], [10, 16, 25, 35]);
    const { equity, trades } = runEngine(bars, targetsOf([-1, null, 1, null]), config({ sizing: { mode: "fixed_units", units: 200 } }));
    expect(Array.from(equity)).toEqual([1000, 0, 0, 0]);
    expect(trades).toHaveLength(1); // closed at the wipe-out bar's close; the later +1 never trades
    expect(trades[0]).toMatchObject({ exit_bar: 1, exit_price: 16 });
  });
});

describe("refused input", () => {
  it("refuses a target array of the wrong length", () => {
    expect(() => runEngine(UP, targetsOf([1]), config())).toThrow(expect.objectContaining({ code: "RUN_INVALID_TARGET" }));
  });

  it("refuses an infinite target, naming the bar", () => {
    expect(() => runEngine(UP, targetsOf([null, Infinity, null, null, null]), config())).toThrow(/bar 1 is Infinity/);
  });

  it("refuses leverage with fractional sizing", () => {
    expect(() => runEngine(UP, targetsOf([1.5, null, null, null, null]), config())).toThrow(
      expect.objectContaining({ code: "RUN_INVALID_TARGET", message: expect.stringMatching(/\[-1, 1\]/) }),
    );
  });

  it("refuses empty bars", () => {
    expect(() => runEngine(allocateBars(0), new Float64Array(0), config())).toThrow(expect.objectContaining({ code: "DAT_EMPTY" }));
  });
});

describe("annualisation", () => {
  const flat = (n: number, stepMs: number) => barsFrom(Array(n).fill(10) as number[], Array(n).fill(10) as number[], stepMs);
  const hold = (n: number) => new Float64Array(n).fill(Number.NaN);

  it("uses 365 periods a year for data that trades on weekends, 252 otherwise", () => {
    expect(runEngine(flat(14, DAY), hold(14), config()).stats.annual_periods).toBe(365); // 4 of 14 days are weekend days
    const weekdays = flat(10, DAY);
    for (let i = 0; i < 10; i++) weekdays.time[i] = T0 + (i + 2 * Math.floor(i / 5)) * DAY; // Mon..Fri, twice
    expect(runEngine(weekdays, hold(10), config()).stats.annual_periods).toBe(252);
    expect(runEngine(flat(48, 3_600_000), hold(48), config()).stats.annual_periods).toBe(252); // Monday and Tuesday, hourly
  });

  it("uses 52 for weekly bars and rounds durations to the data's resolution", () => {
    const weekly = flat(6, 7 * DAY);
    const { stats } = runEngine(weekly, targetsOf([1, null, null, null, null, null]), config());
    expect(stats.annual_periods).toBe(52);
    expect(stats.max_trade_duration_days).toBe(28);
  });
});
