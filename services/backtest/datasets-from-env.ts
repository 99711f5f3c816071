/**
 * The data catalogue the service runs on, from its environment: the CSV and Parquet files under
 * BACKTEST_DATA_DIR, and Binance spot and futures klines (public REST, no key) cached as columnar
 * bytes under BACKTEST_CACHE_DIR (data/catalog.ts).
 */
import path from "node:path";
import { FileAndRemoteCatalog } from "./data/catalog.js";
import { BinanceKlinesSource } from "./data/binance-klines.js";
import type { DatasetCatalog } from "./jobs/datasets.js";
import type { BacktestEnv } from "./service-config.js";

/** Where remote bars are cached: BACKTEST_CACHE_DIR, default `<QM_DATA_DIR>/backtest-cache`. */
export function barCacheDir(env: BacktestEnv): string {
  return path.resolve(env.BACKTEST_CACHE_DIR ?? path.join(env.QM_DATA_DIR, "backtest-cache"));
}

export function datasetsFromEnv(env: BacktestEnv): DatasetCatalog {
  return new FileAndRemoteCatalog({
    dataDir: env.BACKTEST_DATA_DIR,
    cacheDir: barCacheDir(env),
    sources: [new BinanceKlinesSource({ market: "spot" }), new BinanceKlinesSource({ market: "futures" })],
  });
}
