/**
 * The data catalogue the backtest service runs on: the CSV files directly under
 * BACKTEST_DATA_DIR, each a dataset named by its file name. Files are parsed and validated once
 * and kept while their size and modification time stay the same; a configuration's start/end
 * selects a slice (views, no copy), and the fingerprint is over exactly that slice.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { configRange, type BacktestConfig } from "./config.js";
import { parseCsvBars } from "./data/csv.js";
import { barsFingerprint } from "./data/fingerprint.js";
import { validateBars } from "./data/validate.js";
import { sliceBars, type Bars } from "./engine/bars.js";
import { DataEmptyError, DatasetNameError, DatasetNotFoundError } from "./errors.js";
import type { DatasetCatalog, DatasetInfo, LoadedDataset } from "./jobs/datasets.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

interface Cached {
  size: number;
  mtimeMs: number;
  bars: Bars;
  /** Fingerprints of the slices asked for so far, by `from:to`: hashing a million bars takes ~100 ms. */
  fingerprints: Map<string, string>;
}

export function openDatasets(dataDir: string): DatasetCatalog {
  const root = path.resolve(dataDir);
  const files = new Map<string, Cached>();

  const resolve = (name: string): string => {
    if (!NAME.test(name) || name.includes("..")) throw new DatasetNameError(name, "use a file name from list_datasets (letters, digits, . _ -)");
    if (!name.toLowerCase().endsWith(".csv")) throw new DatasetNameError(name, "only .csv datasets are served");
    return path.join(root, name);
  };

  const bars = async (name: string): Promise<Cached> => {
    const file = resolve(name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new DatasetNotFoundError(name);
    const hit = files.get(name);
    if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit;
    const parsed = parseCsvBars(await readFile(file, "utf8"), name);
    validateBars(parsed);
    const entry = { size: info.size, mtimeMs: info.mtimeMs, bars: parsed, fingerprints: new Map<string, string>() };
    files.set(name, entry);
    return entry;
  };

  const select = async (name: string, config: BacktestConfig): Promise<LoadedDataset> => {
    const entry = await bars(name);
    const all = entry.bars;
    const { startMs, endMs } = configRange(config);
    let from = 0;
    while (from < all.time.length && all.time[from]! < startMs) from++;
    let to = from;
    while (to < all.time.length && all.time[to]! < endMs) to++;
    if (to - from < 2) throw new DataEmptyError(`${name} has ${to - from} bar(s) in the configured start/end range: widen it`);
    const selected = from === 0 && to === all.time.length ? all : sliceBars(all, from, to);
    const slice = `${from}:${to}`;
    let fingerprint = entry.fingerprints.get(slice);
    if (fingerprint === undefined) entry.fingerprints.set(slice, (fingerprint = barsFingerprint(selected)));
    return { bars: selected, fingerprint };
  };

  return {
    async list(): Promise<DatasetInfo[]> {
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      const names = entries.filter((e) => e.isFile() && NAME.test(e.name) && e.name.toLowerCase().endsWith(".csv")).map((e) => e.name).sort();
      const out: DatasetInfo[] = [];
      for (const name of names) {
        try {
          const b = (await bars(name)).bars;
          out.push({ name, bars: b.time.length, start: new Date(b.time[0]!).toISOString(), end: new Date(b.time[b.time.length - 1]!).toISOString() });
        } catch (error) {
          out.push({ name, error: (error as { code?: string }).code ?? "DAT_UNREADABLE" });
        }
      }
      return out;
    },
    fingerprint: async (name, config) => (await select(name, config)).fingerprint,
    load: select,
  };
}
