/**
 * The known answer: backtesting.py's SmaCross(10, 30) on its own GOOG data must give every
 * statistic the library publishes, to a relative 1e-6.
 *
 * The figures are copied from backtesting.py's test suite, kernc/backtesting.py,
 * backtesting/test/_test.py, TestBacktest.test_compute_stats (the test notes "These values are
 * also used on the website!"; the same table is in Backtest.run's docstring), for
 * `Backtest(GOOG, SmaCross, finalize_trades=True).run()`: cash 10,000, no commission, orders
 * filled at the next open, all-in whole units, long/short reversal, open trade closed at the end.
 * The second table is the same test as it stood before `finalize_trades` and the indicator
 * warm-up existed (the open trade is left open and buy-and-hold starts at bar 0), which pins
 * close_at_end: false.
 */
import { describe, expect, it } from "vitest";
import { parseBacktestConfig } from "../../../services/backtest/config.js";
import { runEngine } from "../../../services/backtest/engine/run-engine.js";
import type { BacktestStats } from "../../../services/backtest/engine/types.js";
import { googBars } from "./goog-fixture.js";
import { smaCrossTargets } from "./sma-cross.js";

const DAY = 86_400_000;

function expectClose(stats: BacktestStats, published: Partial<Record<keyof BacktestStats, number>>) {
  const mismatches: string[] = [];
  for (const [key, expected] of Object.entries(published) as [keyof BacktestStats, number][]) {
    const actual = stats[key];
    if (typeof actual !== "number" || Math.abs(actual - expected) > 1e-6 * Math.abs(expected)) {
      mismatches.push(`${key}: published ${expected}, got ${String(actual)}`);
    }
  }
  expect(mismatches).toEqual([]);
}

describe("SmaCross(10, 30) on GOOG, as published by backtesting.py", () => {
  const bars = googBars();
  const targets = smaCrossTargets(bars.close, 10, 30);

  it("reproduces every statistic of test_compute_stats (finalize_trades=True)", () => {
    // A 30-bar SMA is first defined at bar 29: the reference starts buy-and-hold there.
    const { stats, trades } = runEngine(bars, targets, parseBacktestConfig({}), { warmupBars: 29 });
    expect(stats.start).toBe("2004-08-19T00:00:00.000Z"); // 'Start': pd.Timestamp('2004-08-19 00:00:00')
    expect(stats.end).toBe("2013-03-01T00:00:00.000Z"); // 'End': pd.Timestamp('2013-03-01 00:00:00')
    expect(stats.trades).toBe(66); // '# Trades': 66
    expect(trades).toHaveLength(66);
    expectClose(stats, {
      duration_days: 3116, // 'Duration': pd.Timedelta('3116 days 00:00:00')
      avg_drawdown_duration_days: 41, // 'Avg. Drawdown Duration': pd.Timedelta('41 days 00:00:00')
      avg_drawdown_pct: -5.925851581948801,
      avg_trade_duration_days: 46, // 'Avg. Trade Duration': pd.Timedelta('46 days 00:00:00')
      avg_trade_pct: 2.531715975158555,
      best_trade_pct: 53.59595229490424,
      buy_hold_return_pct: 522.0601851851852,
      calmar_ratio: 0.4414380935608377,
      equity_final: 51422.98999999996,
      equity_peak: 75787.44,
      expectancy_pct: 3.2748078066748834,
      exposure_time_pct: 96.74115456238361,
      max_drawdown_duration_days: 584, // 'Max. Drawdown Duration': pd.Timedelta('584 days 00:00:00')
      max_drawdown_pct: -47.98012705007589,
      max_trade_duration_days: 183, // 'Max. Trade Duration': pd.Timedelta('183 days 00:00:00')
      profit_factor: 2.167945974262033,
      return_ann_pct: 21.180255813792282,
      return_pct: 414.2298999999996,
      volatility_ann_pct: 36.49390889140787,
      cagr_pct: 14.159843619607383,
      sqn: 1.0766187356697705,
      kelly_criterion: 0.1518705127029717,
      sharpe_ratio: 0.5803778344714113,
      sortino_ratio: 1.0847880675854096,
      win_rate_pct: 46.96969696969697,
      worst_trade_pct: -18.39887353835481,
      alpha_pct: 394.37391142027462,
      beta: 0.03803390709192,
    });
  });

  it("reproduces the earlier published figures with the last trade left open (close_at_end: false)", () => {
    const { stats, trades, equity } = runEngine(bars, targets, parseBacktestConfig({ close_at_end: false }));
    expect(stats.trades).toBe(65); // '# Trades': 65
    expect(trades).toHaveLength(65);
    // The open trade is marked at the last close, not closed.
    expect(equity[equity.length - 1]).toBeCloseTo(51959.94999999997, 6);
    expectClose(stats, {
      avg_drawdown_duration_days: 41,
      avg_drawdown_pct: -5.925851581948801,
      avg_trade_duration_days: 46,
      avg_trade_pct: 2.3537113951143773,
      best_trade_pct: 53.59595229490424,
      buy_hold_return_pct: 703.4582419772772,
      calmar_ratio: 0.4445179349739874,
      duration_days: 3116,
      equity_final: 51959.94999999997,
      equity_peak: 75787.44,
      exposure_time_pct: 93.99441340782123,
      max_drawdown_duration_days: 584,
      max_drawdown_pct: -47.98012705007589,
      max_trade_duration_days: 183,
      profit_factor: 2.0880175388920286,
      return_ann_pct: 21.32802699608929,
      return_pct: 419.59949999999964,
      volatility_ann_pct: 36.53825234483751,
      sqn: 0.916892986080858,
      sharpe_ratio: 0.5837177650097084,
      sortino_ratio: 1.0923863161583591,
      win_rate_pct: 46.15384615384615,
      worst_trade_pct: -18.39887353835481,
    });
  });

  it("fills every SmaCross signal at the next bar's open, reversing in one bar", () => {
    const { trades } = runEngine(bars, targets, parseBacktestConfig({}), { warmupBars: 29 });
    for (const [k, trade] of trades.entries()) {
      const signalBar = trade.entry_bar - 1;
      expect(targets[signalBar]).toBe(trade.side === "long" ? 1 : -1);
      expect(trade.entry_price).toBe(bars.open[trade.entry_bar]);
      expect(trade.entry_time - bars.time[0]!).toBe(bars.time[trade.entry_bar]! - bars.time[0]!);
      if (k > 0) expect(trade.entry_bar).toBe(trades[k - 1]!.exit_bar); // the reversal closes and opens on one bar
      expect(Number.isInteger(trade.size)).toBe(true);
    }
    // The first signal is a cross down around late November 2004.
    expect(trades[0]!.side).toBe("short");
    expect(trades[0]!.entry_time).toBeGreaterThan(Date.UTC(2004, 10, 1));
    expect(trades[0]!.entry_time).toBeLessThan(Date.UTC(2004, 11, 1) + 5 * DAY);
  });
});
