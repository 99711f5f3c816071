/**
 * The account the fill pass trades on, following backtesting.py's broker: cash changes only by
 * realised profit and commissions (commission charged per side on the fill's notional), one
 * trade open at a time, equity = cash + units x (price - entry).
 */
import type { BacktestConfig } from "../config.js";
import { sizingOf, unitsFor, type FlatSizing } from "./sizing.js";
import { TradeLog } from "./trade-log.js";

type AccountConfig = Pick<BacktestConfig, "initial_capital" | "commission" | "slippage" | "sizing">;

export class Account {
  cash: number;
  /** Signed units of the open trade: + long, - short, 0 flat. */
  units = 0;
  entryPrice = 0;
  entryBar = -1;
  entryCommission = 0;
  /** Commissions paid so far, both legs. */
  commissions = 0;
  readonly trades = new TradeLog();
  // The costs and sizing as plain fields, read on every fill.
  readonly commission: number;
  readonly slippage: number;
  readonly sizing: FlatSizing;

  constructor(config: AccountConfig) {
    this.cash = config.initial_capital;
    this.commission = config.commission;
    this.slippage = config.slippage;
    this.sizing = sizingOf(config.sizing);
  }

  /** Closes the open trade at `price` (slippage applied against the trade) on `bar`. */
  close(bar: number, price: number): void {
    const { units } = this;
    if (units === 0) return;
    // A long exits by selling (filled lower), a short by buying back (filled higher).
    const fill = units > 0 ? price * (1 - this.slippage) : price * (1 + this.slippage);
    const exitCommission = (units < 0 ? -units : units) * fill * this.commission;
    this.cash += units * (fill - this.entryPrice) - exitCommission;
    this.commissions += exitCommission;
    this.trades.push(this.entryBar, bar, units, this.entryPrice, fill, this.entryCommission + exitCommission);
    this.units = 0;
    this.entryPrice = 0;
  }

  /**
   * Opens a trade for a non-zero `target` at `price` on `bar`, sized from the cash (the
   * account is flat when this is called). Stays flat when not one unit is affordable, as the
   * reference broker cancels such an order.
   */
  open(bar: number, price: number, target: number): void {
    const fill = target > 0 ? price * (1 + this.slippage) : price * (1 - this.slippage);
    const size = unitsFor(target, fill, this.cash, this.commission, this.sizing);
    if (!(size > 0)) return;
    this.units = target > 0 ? size : -size;
    this.entryPrice = fill;
    this.entryBar = bar;
    this.entryCommission = size * fill * this.commission;
    this.cash -= this.entryCommission;
    this.commissions += this.entryCommission;
  }
}
