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
  commission = new Float64Array(INITIAL_CAPACITY);

  push(entryBar: number, exitBar: number, units: number, entryPrice: number, exitPrice: number, commission: number): void {
    if (this.length === this.entryBar.length) this.grow();
    const k = this.length++;
    this.entryBar[k] = entryBar;
    this.exitBar[k] = exitBar;
    this.units[k] = units;
    this.entryPrice[k] = entryPrice;
    this.exitPrice[k] = exitPrice;
    this.commission[k] = commission;
  }

  /** Profit or loss of trade k in cash, commissions deducted (derived when read: the fill pass only records). */
  pnl(k: number): number {
    return this.units[k]! * (this.exitPrice[k]! - this.entryPrice[k]!) - this.commission[k]! + 0; // + 0: no -0
  }

  /** Return of trade k as a fraction: backtesting.py's Trade.pl_pct, the signed price return less the commissions per unit of entry value. */
  returnOf(k: number): number {
    const units = this.units[k]!;
    const entry = this.entryPrice[k]!;
    const sign = units > 0 ? 1 : -1;
    return sign * (this.exitPrice[k]! / entry - 1) - this.commission[k]! / (sign * units * entry) + 0;
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
        pnl: this.pnl(k),
        return_pct: this.returnOf(k) * 100,
        commission: this.commission[k]!,
      };
    }
    return trades;
  }
}
