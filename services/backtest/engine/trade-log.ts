/**
 * Closed trades kept as columns (growable Float64Arrays) while the fill pass runs: no object
 * per trade in the hot loop, and the statistics read the columns directly. `toTrades` turns
 * them into `Trade` objects once, at the end.
 */
import type { Trade } from "./types.js";

const INITIAL_CAPACITY = 64;

export class TradeLog {
  length = 0;
  entryBar = new Float64Array(INITIAL_CAPACITY);
  exitBar = new Float64Array(INITIAL_CAPACITY);
  /** Signed units: positive long, negative short. */
  units = new Float64Array(INITIAL_CAPACITY);
  entryPrice = new Float64Array(INITIAL_CAPACITY);
  exitPrice = new Float64Array(INITIAL_CAPACITY);
  pnl = new Float64Array(INITIAL_CAPACITY);
  /** Return as a fraction of the entry value, commissions deducted. */
  returns = new Float64Array(INITIAL_CAPACITY);
  commission = new Float64Array(INITIAL_CAPACITY);

  push(entryBar: number, exitBar: number, units: number, entryPrice: number, exitPrice: number, commission: number): void {
    if (this.length === this.entryBar.length) this.grow();
    const k = this.length++;
    const pnl = units * (exitPrice - entryPrice) - commission;
    this.entryBar[k] = entryBar;
    this.exitBar[k] = exitBar;
    this.units[k] = units;
    this.entryPrice[k] = entryPrice;
    this.exitPrice[k] = exitPrice;
    this.pnl[k] = pnl;
    // backtesting.py's Trade.pl_pct: the signed price return less the commissions per unit of entry value.
    this.returns[k] = Math.sign(units) * (exitPrice / entryPrice - 1) - commission / (Math.abs(units) * entryPrice) + 0; // + 0: no -0
    this.commission[k] = commission;
  }

  private grow(): void {
    const capacity = this.entryBar.length * 2;
    const grown = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    this.entryBar = grown(this.entryBar);
    this.exitBar = grown(this.exitBar);
    this.units = grown(this.units);
    this.entryPrice = grown(this.entryPrice);
    this.exitPrice = grown(this.exitPrice);
    this.pnl = grown(this.pnl);
    this.returns = grown(this.returns);
    this.commission = grown(this.commission);
  }

  /** The trades as objects, times taken from `time` (epoch ms per bar). */
  toTrades(time: Float64Array): Trade[] {
    const trades: Trade[] = new Array<Trade>(this.length);
    for (let k = 0; k < this.length; k++) {
      const entryBar = this.entryBar[k]!;
      const exitBar = this.exitBar[k]!;
      const units = this.units[k]!;
      trades[k] = {
        entry_bar: entryBar,
        entry_time: time[entryBar]!,
        exit_bar: exitBar,
        exit_time: time[exitBar]!,
        side: units > 0 ? "long" : "short",
        size: Math.abs(units),
        entry_price: this.entryPrice[k]!,
        exit_price: this.exitPrice[k]!,
        pnl: this.pnl[k]!,
        return_pct: this.returns[k]! * 100,
        commission: this.commission[k]!,
      };
    }
    return trades;
  }
}
