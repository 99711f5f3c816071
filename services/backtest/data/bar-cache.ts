/**
 * On-disk cache of fetched bars, keyed by source, symbol, timeframe and range, stored as
 * columnar bytes (columnar-file.ts) so a hit is one read and no parsing. Writes go to a
 * temporary file renamed into place: a reader never sees half a file, and a crash leaves at
 * worst a stray temporary. A file that fails to decode is a miss (and is replaced).
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Bars } from "../engine/bars.js";
import { decodeBars, encodeBars } from "./columnar-file.js";

export interface BarCacheKey {
  /** Where the bars came from, e.g. `binance-spot`. */
  source: string;
  symbol: string;
  timeframe: number;
  startMs: number;
  endMs: number;
}

export class BarCache {
  constructor(private readonly dir: string) {}

  /** The cache file for `key`: a hash, so no part of the key ever becomes a path. */
  pathFor(key: BarCacheKey): string {
    const canonical = JSON.stringify([key.source, key.symbol, key.timeframe, key.startMs, key.endMs]);
    return path.join(this.dir, `${createHash("sha256").update(canonical).digest("hex")}.bars`);
  }

  async get(key: BarCacheKey): Promise<Bars | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathFor(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      const { bars, header } = decodeBars(bytes, "cache entry");
      // A hash collision or a file copied in by hand: the header must name this very key.
      return JSON.stringify(header.meta.key) === JSON.stringify(key) ? bars : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: BarCacheKey, bars: Bars): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.pathFor(key);
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, encodeBars(bars, { key, cachedAt: new Date().toISOString() }));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
