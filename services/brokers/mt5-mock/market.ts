/**
 * The mock's market: a few MT5-like symbols and a deterministic price for every minute, so the
 * same seed and clock give the same fills, ticks and bars in every run. Prices are a smooth
 * cycle plus hashed noise, computed directly for any minute (no state, O(1) per price).
 */
import type { Bars, SymbolInfo } from "../broker.js";

export interface MockSymbol {
  info: SymbolInfo;
  basePrice: number;
  /** Spread in price units. */
  spread: number;
  /** Profit currency; converted to the account currency (USD) at the current price. */
  profitCurrency: "USD" | "JPY";
}

const forex = (symbol: string, basePrice: number, digits: number, profitCurrency: "USD" | "JPY"): MockSymbol => ({
  info: { symbol, tickSize: 10 ** -digits, digits, minQuantity: 0.01, maxQuantity: 100, quantityStep: 0.01, contractSize: 100_000, tradable: true },
  basePrice,
  spread: 2 * 10 ** -digits * 10,
  profitCurrency,
});

export const MOCK_SYMBOLS: ReadonlyMap<string, MockSymbol> = new Map([
  ["EURUSD", forex("EURUSD", 1.085, 5, "USD")],
  ["GBPUSD", forex("GBPUSD", 1.27, 5, "USD")],
  ["USDJPY", forex("USDJPY", 150.2, 3, "JPY")],
  [
    "XAUUSD",
    {
      info: { symbol: "XAUUSD", tickSize: 0.01, digits: 2, minQuantity: 0.01, maxQuantity: 50, quantityStep: 0.01, contractSize: 100, tradable: true },
      basePrice: 2350,
      spread: 0.3,
      profitCurrency: "USD",
    },
  ],
]);

/** A 32-bit integer hash (xorshift-multiply), mapped to [-1, 1). */
function noise(seed: number, salt: number, minute: number): number {
  let h = (seed * 0x9e3779b1) ^ (salt * 0x85ebca6b) ^ Math.imul(minute | 0, 0xc2b2ae35) ^ Math.floor(minute / 2 ** 32);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 31 - 1;
}

function salt(symbol: string): number {
  let h = 0;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h, 31) + symbol.charCodeAt(i);
  return h;
}

export class MockMarket {
  constructor(private readonly seed: number) {}

  /** Mid price of `symbol` during `minute` (Unix minutes), rounded to the symbol's digits. */
  mid(symbol: MockSymbol, minute: number): number {
    const s = salt(symbol.info.symbol);
    const phase = (s % 1000) / 159;
    const drift = 0.004 * Math.sin(minute / 1440 + phase) + 0.0015 * Math.sin(minute / 97 + phase * 2) + 0.0004 * noise(this.seed, s, minute);
    return round(symbol.basePrice * (1 + drift), symbol.info.digits);
  }

  /** Bars of `timeframeMinutes` whose open time lies in [startMs, endMs]. */
  bars(symbol: MockSymbol, timeframeMinutes: number, startMs: number, endMs: number): Bars {
    const stepMs = timeframeMinutes * 60_000;
    const first = Math.ceil(startMs / stepMs);
    const last = Math.floor(endMs / stepMs);
    const count = Math.max(0, last - first + 1);
    const bars: Bars = {
      symbol: symbol.info.symbol,
      timeframeMinutes,
      time: new Float64Array(count),
      open: new Float64Array(count),
      high: new Float64Array(count),
      low: new Float64Array(count),
      close: new Float64Array(count),
      volume: new Float64Array(count),
    };
    const s = salt(symbol.info.symbol);
    for (let i = 0; i < count; i++) {
      const startMinute = (first + i) * timeframeMinutes;
      const open = this.mid(symbol, startMinute);
      const close = this.mid(symbol, startMinute + timeframeMinutes - 1);
      const wick = symbol.basePrice * 0.0003 * Math.sqrt(timeframeMinutes);
      bars.time[i] = startMinute * 60_000;
      bars.open[i] = open;
      bars.close[i] = close;
      bars.high[i] = round(Math.max(open, close) + wick * Math.abs(noise(this.seed, s + 1, startMinute)), symbol.info.digits);
      bars.low[i] = round(Math.min(open, close) - wick * Math.abs(noise(this.seed, s + 2, startMinute)), symbol.info.digits);
      bars.volume[i] = Math.round(100 * timeframeMinutes * (1.5 + noise(this.seed, s + 3, startMinute)));
    }
    return bars;
  }
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
