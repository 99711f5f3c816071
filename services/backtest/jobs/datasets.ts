/**
 * What the job service needs from the data layer: the names it can offer, a fingerprint of the
 * bars a configuration selects (part of the cache key, so changed data never hits an old result),
 * and the bars themselves.
 */
import type { BacktestConfig } from "../config.js";
import type { Bars } from "../engine/bars.js";

export interface DatasetInfo {
  name: string;
  [detail: string]: unknown;
}

export interface LoadedDataset {
  bars: Bars;
  fingerprint: string;
}

export interface DatasetCatalog {
  list(): Promise<DatasetInfo[]>;
  /** Throws a DAT_ error when the dataset is unknown or unreadable. */
  fingerprint(name: string, config: BacktestConfig): Promise<string>;
  load(name: string, config: BacktestConfig): Promise<LoadedDataset>;
}
