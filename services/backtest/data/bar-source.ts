/**
 * A remote source of bars (Binance klines here; MetaTrader 5 history through the bridge later):
 * the catalog asks it for a symbol, timeframe and range and caches what comes back.
 */
import type { Bars } from "../engine/bars.js";

export interface BarRequest {
  symbol: string;
  /** Minutes, one of the configuration's TIMEFRAMES. */
  timeframe: number;
  /** Inclusive start and exclusive end, epoch ms. */
  startMs: number;
  endMs: number;
}

export interface BarSource {
  /** Stable name, part of dataset names and cache keys (e.g. `binance-spot`). */
  readonly id: string;
  /** What the source is, for list_datasets. */
  readonly description: string;
  /**
   * Bars with open times in [startMs, endMs), ascending. Throws a DAT_ error when the source
   * refuses, is unreachable, or has no interval for the timeframe.
   */
  fetchBars(request: BarRequest, signal?: AbortSignal): Promise<Bars>;
}
