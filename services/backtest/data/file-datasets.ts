/**
 * Datasets that are files in one data directory: `NAME.csv` or `NAME.parquet`. A dataset is
 * asked for by its file name only: no separators, no `..`, nothing absolute, and the resolved
 * file (symbolic links followed) must still lie inside the directory.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Bars } from "../engine/bars.js";
import { DatasetNameError, DatasetNotFoundError, DataUnsupportedError } from "../errors.js";
import { parseCsvBars } from "./csv.js";
import { readParquetBars } from "./parquet.js";

/** Plain file names: a letter or digit first, then letters, digits, `.`, `_` or `-`; .csv or .parquet. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.(csv|parquet)$/i;
/** Files larger than this are refused (a CSV of 5 million bars is about 300 MB). */
export const MAX_DATASET_BYTES = 1024 * 1024 * 1024;

export interface FileDatasetInfo {
  name: string;
  format: "csv" | "parquet";
  bytes: number;
  modified: string;
}

export class FileDatasets {
  constructor(readonly root: string) {}

  /** Dataset files directly in the root, by name. A missing root lists nothing. */
  async list(): Promise<FileDatasetInfo[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const infos: FileDatasetInfo[] = [];
    for (const entry of entries) {
      if (!DATASET_NAME_PATTERN.test(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue;
      try {
        const file = await this.resolve(entry.name);
        const info = await stat(file);
        infos.push({ name: entry.name, format: formatOf(entry.name), bytes: info.size, modified: info.mtime.toISOString() });
      } catch {
        // A link that leaves the directory, or vanished meanwhile: not offered.
      }
    }
    return infos.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether `name` looks like a file dataset (it may still not exist). */
  static isFileName(name: string): boolean {
    return DATASET_NAME_PATTERN.test(name);
  }

  /**
   * The real path of dataset `name`, refusing anything but a plain file name and anything
   * that resolves outside the root. Throws DAT_INVALID_NAME or DAT_NOT_FOUND.
   */
  async resolve(name: string): Promise<string> {
    if (!DATASET_NAME_PATTERN.test(name)) {
      throw new DatasetNameError(name, "use a plain file name ending in .csv or .parquet (letters, digits, . _ -; no paths)");
    }
    let root: string;
    let file: string;
    try {
      root = await realpath(this.root);
      file = await realpath(path.join(root, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new DatasetNotFoundError(name);
      throw error;
    }
    if (path.dirname(file) !== root) throw new DatasetNameError(name, "it resolves outside the data directory");
    return file;
  }

  /** The parsed bars of `name` (not validated: see validate.ts) and the file's identity for memoising. */
  async read(name: string): Promise<{ bars: Bars; version: string }> {
    const file = await this.resolve(name);
    const info = await stat(file);
    if (!info.isFile()) throw new DatasetNotFoundError(name);
    if (info.size > MAX_DATASET_BYTES) {
      throw new DataUnsupportedError(`${name} is ${info.size} bytes, over the ${MAX_DATASET_BYTES}-byte limit for one dataset`);
    }
    const bars = formatOf(name) === "csv" ? parseCsvBars(await readFile(file, "utf8"), name) : await readParquetBars(file, name);
    return { bars, version: `${info.size}:${info.mtimeMs}` };
  }

  /** The file's identity (size and modification time), cheap, for cache checks. */
  async version(name: string): Promise<string> {
    const info = await stat(await this.resolve(name));
    return `${info.size}:${info.mtimeMs}`;
  }
}

function formatOf(name: string): "csv" | "parquet" {
  return name.toLowerCase().endsWith(".csv") ? "csv" : "parquet";
}
