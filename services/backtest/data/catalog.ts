/**
 * The dataset catalog the backtest jobs use (`DatasetCatalog` in jobs/datasets.ts): file
 * datasets from the data directory and remote sources (Binance spot and futures; MT5 later)
 * by their id. Every load is validated; remote bars are cached as columnar bytes by source,
 * symbol, timeframe and range. Each load returns views on the memoised bars (no copy), cut to
 * the configuration's [start, end) range, with their fingerprint.
 */
import type { BacktestConfig } from "../config.js";
import { configRange } from "../config.js";
import { sliceBars, type Bars } from "../engine/bars.js";
import { dataPeriodMs } from "../engine/periods.js";
import { DataEmptyError, DataRequestError } from "../errors.js";
import type { DatasetCatalog, DatasetInfo, LoadedDataset } from "../jobs/datasets.js";
import { BarCache } from "./bar-cache.js";
import type { BarSource } from "./bar-source.js";
import { FileDatasets } from "./file-datasets.js";
import { barsFingerprint } from "./fingerprint.js";
import { validateBars, type ValidationReport } from "./validate.js";

export interface DatasetCatalogOptions {
  /** Directory of CSV and Parquet datasets. */
  dataDir: string;
  /** Directory for cached remote bars. */
  cacheDir: string;
  /** Remote sources by id (e.g. BinanceKlinesSource for spot and futures). */
  sources?: BarSource[];
  /** Parsed files kept in memory; default 8. */
  memoryEntries?: number;
}

/** A load's result: the bars of the range, their fingerprint and the validation report. */
export interface CatalogDataset extends LoadedDataset {
  validation: ValidationReport;
}

interface Parsed {
  version: string;
  bars: Bars;
  validation: ValidationReport;
  timeframe: number;
  fingerprints: Map<string, string>;
}

export class FileAndRemoteCatalog implements DatasetCatalog {
  private readonly files: FileDatasets;
  private readonly cache: BarCache;
  private readonly sources: Map<string, BarSource>;
  private readonly parsed = new Map<string, Parsed>();

  constructor(private readonly options: DatasetCatalogOptions) {
    this.files = new FileDatasets(options.dataDir);
    this.cache = new BarCache(options.cacheDir);
    this.sources = new Map((options.sources ?? []).map((source) => [source.id, source]));
  }

  async list(): Promise<DatasetInfo[]> {
    const files = (await this.files.list()).map((info) => ({ ...info, kind: "file" }));
    const remote = [...this.sources.values()].map((source) => ({ name: source.id, kind: "remote", description: source.description }));
    return [...files, ...remote];
  }

  async fingerprint(name: string, config: BacktestConfig): Promise<string> {
    return (await this.load(name, config)).fingerprint;
  }

  async load(name: string, config: BacktestConfig, signal?: AbortSignal): Promise<CatalogDataset> {
    const source = this.sources.get(name);
    const parsed = source ? await this.remote(source, config, signal) : await this.file(name, config);
    const { startMs, endMs } = configRange(config);
    const from = lowerBound(parsed.bars.time, startMs);
    const to = lowerBound(parsed.bars.time, endMs);
    if (to - from < 2) {
      const n = parsed.bars.time.length;
      const span = n ? `${iso(parsed.bars.time[0]!)} .. ${iso(parsed.bars.time[n - 1]!)}` : "no bars";
      throw new DataEmptyError(`${name} has ${to - from} bar(s) in the requested range (it holds ${span}); a backtest needs at least 2`);
    }
    const key = `${from}:${to}`;
    // Views on the memoised bars, shared by every job that loads them: nothing on the host
    // writes to loaded bars, and a strategy only ever gets its own copies (sandbox/js, python).
    const bars = sliceBars(parsed.bars, from, to);
    let fingerprint = parsed.fingerprints.get(key);
    if (fingerprint === undefined) {
      fingerprint = barsFingerprint(bars);
      parsed.fingerprints.set(key, fingerprint);
    }
    return { bars, fingerprint, validation: parsed.validation };
  }

  private async file(name: string, config: BacktestConfig): Promise<Parsed> {
    const version = await this.files.version(name);
    let parsed = this.parsed.get(name);
    if (!parsed || parsed.version !== version) {
      const read = await this.files.read(name);
      const validation = validateBars(read.bars);
      const timeframe = Math.round(dataPeriodMs(read.bars.time) / 60_000);
      parsed = { version: read.version, bars: read.bars, validation, timeframe, fingerprints: new Map() };
      this.remember(name, parsed);
    }
    if (parsed.timeframe !== config.timeframe) {
      throw new DataRequestError(
        `${name} holds ${parsed.timeframe}-minute bars but the config asks for timeframe ${config.timeframe}: set timeframe to ${parsed.timeframe}`,
      );
    }
    return parsed;
  }

  private async remote(source: BarSource, config: BacktestConfig, signal?: AbortSignal): Promise<Parsed> {
    if (config.symbol === undefined || config.start === undefined || config.end === undefined) {
      throw new DataRequestError(`${source.id} needs symbol, start and end in the config`);
    }
    const { startMs, endMs } = configRange(config);
    const key = { source: source.id, symbol: config.symbol, timeframe: config.timeframe, startMs, endMs };
    const memoKey = JSON.stringify(key);
    const memo = this.parsed.get(memoKey);
    if (memo) return memo;
    const cached = await this.cache.get(key);
    const bars = cached ?? (await source.fetchBars({ symbol: config.symbol, timeframe: config.timeframe, startMs, endMs }, signal));
    // Validated before it is cached (bad data is never stored) and again on a hit (a cache file is just a file).
    const validation = validateBars(bars, config.timeframe);
    if (!cached) await this.cache.set(key, bars);
    const parsed = { version: "", bars, validation, timeframe: config.timeframe, fingerprints: new Map<string, string>() };
    this.remember(memoKey, parsed);
    return parsed;
  }

  private remember(key: string, parsed: Parsed): void {
    this.parsed.delete(key);
    this.parsed.set(key, parsed);
    const limit = this.options.memoryEntries ?? 8;
    while (this.parsed.size > limit) this.parsed.delete(this.parsed.keys().next().value!);
  }
}

/** First index with time[i] >= t (time ascending). */
function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const iso = (ms: number) => new Date(ms).toISOString();
