/**
 * The fill pass: one O(n) walk over the bars that turns targets into fills, trades and an
 * equity curve (account model in account.ts).
 *
 * Per bar the hot loop reads one target and one close and writes one equity value, with the
 * account's state held in locals; fills, sizing and target checks run only on the bars where
 * the target changes.
 */
import type { BacktestConfig } from "../config.js";
import { Account } from "./account.js";
import type { Bars } from "./bars.js";
import { checkTarget } from "./sizing.js";
import type { TradeLog } from "./trade-log.js";

export interface FillResult {
  /** Equity at each bar's close; after a wipe-out it stays 0. */
  equity: Float64Array;
  trades: TradeLog;
  /** Commissions paid, both legs of every fill (an open trade's entry included). */
  commissions: number;
  /** The bar where equity reached 0 and trading stopped, or -1. */
  wipedOutAt: number;
}

export type FillConfig = Pick<
  BacktestConfig,
  "initial_capital" | "commission" | "slippage" | "fill" | "sizing" | "allow_short" | "close_at_end"
>;

/**
 * Walks the bars once. `targets[t]` is the position wanted after bar t (NaN = hold); with
 * `next_open` it fills at bar t+1's open, with `close` at bar t's close. A change of target
 * closes the open trade and opens the new one at the same price.
 */
export function fillPass(bars: Bars, targets: Float64Array, config: FillConfig): FillResult {
  const n = bars.close.length;
  const prices = config.fill === "next_open" ? bars.open : bars.close;
  const equity = new Float64Array(n);
  const account = new Account(config);
  const wipedOutAt = walk(bars.close, prices, targets, config.fill === "next_open" ? 1 : 0, config, account, equity);
  if (wipedOutAt < 0 && config.close_at_end && account.units !== 0) {
    // The end-of-test exit is an order like any other: with next_open it fills at the last
    // bar's open (the last open there is), as backtesting.py's finalize_trades does; with
    // close, at the last close.
    account.close(n - 1, prices[n - 1]!);
    equity[n - 1] = account.cash;
  }
  return { equity, trades: account.trades, commissions: account.commissions, wipedOutAt };
}

/**
 * The hot loop, alone in its function: V8 compiles it on-stack while it runs, and code after
 * the loop that never ran would have no type feedback and throw the compiled loop away at
 * every call. Returns the wipe-out bar or -1.
 */
function walk(
  close: Float64Array,
  prices: Float64Array,
  targets: Float64Array,
  lag: number,
  config: FillConfig,
  account: Account,
  equity: Float64Array,
): number {
  const n = close.length;
  const allowShort = config.allow_short;
  let cash = account.cash;
  let units = 0;
  let entryPrice = 0;
  let current = 0; // the target in force (after allow_short)
  // With next_open the target of bar t acts at bar t + 1, so bar 0 never trades.
  if (lag === 1 && n > 0) equity[0] = cash;
  for (let i = lag; i < n; i++) {
    const raw = targets[i - lag]!;
    if (raw === raw && raw !== current) {
      const target = raw < 0 && !allowShort ? 0 : raw;
      if (target !== current) {
        checkTarget(target, i - lag, account.sizing);
        account.close(i, prices[i]!);
        if (target !== 0) account.open(i, prices[i]!, target);
        current = target;
        cash = account.cash;
        units = account.units;
        entryPrice = account.entryPrice;
      }
    }
    const value = cash + units * (close[i]! - entryPrice);
    equity[i] = value;
    if (value <= 0) {
      // Wiped out: close at this bar's close and stop trading, as the reference broker does.
      account.close(i, close[i]!);
      account.cash = 0;
      equity.fill(0, i);
      return i;
    }
  }
  return -1;
}
