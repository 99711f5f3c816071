/**
 * The ccxt exchange behind a Binance broker (ccxt pinned at 4.5.84).
 *
 * `testnet: true` means Binance's test environment as ccxt 4.5.84 knows it:
 * - spot: `setSandboxMode(true)`, i.e. https://testnet.binance.vision/api/v3;
 * - USD-M futures: ccxt's demo trading, https://demo-fapi.binance.com/fapi/v1. The old futures
 *   testnet (testnet.binancefuture.com, what sandbox mode still points at) is deprecated: ccxt
 *   4.5.84 refuses private calls there ("not supported for futures anymore ... use the demo
 *   trading instead"), so sandbox mode would break every order.
 * Only ccxt's implicit endpoint methods are used: ccxt signs, times, rate-limits and maps HTTP
 * errors, and nothing calls loadMarkets (symbol rules come from exchangeInfo per symbol).
 */
import ccxt from "ccxt";
import type { BinanceEntry } from "../config/schema.js";

export type BinanceExchange = InstanceType<typeof ccxt.binance> | InstanceType<typeof ccxt.binanceusdm>;

export interface ExchangeOptions {
  /** Rewrites each API base URL (tests point them at a local stand-in). Default: none. */
  rewriteUrl?: (url: string) => string;
}

export function createExchange(entry: BinanceEntry, options: ExchangeOptions = {}): BinanceExchange {
  const config = {
    apiKey: entry.api_key,
    secret: entry.api_secret,
    enableRateLimit: true,
    timeout: entry.timeout * 1000,
    options: { recvWindow: entry.recv_window, adjustForTimeDifference: false },
  };
  const exchange = entry.kind === "binance_spot" ? new ccxt.binance(config) : new ccxt.binanceusdm(config);
  if (entry.testnet) {
    if (entry.kind === "binance_spot") exchange.setSandboxMode(true);
    else exchange.enableDemoTrading(true);
  }
  if (options.rewriteUrl) {
    const api = exchange.urls.api as Record<string, string>;
    for (const key of Object.keys(api)) api[key] = options.rewriteUrl(api[key]!);
  }
  return exchange;
}

/** The API base URLs the exchange would call, for `brokers list` and tests. */
export function apiUrls(exchange: BinanceExchange): Record<string, string> {
  return { ...(exchange.urls.api as Record<string, string>) };
}
