/** The columnar file format, the bar cache and the fingerprint. */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BarCache } from "../../../services/backtest/data/bar-cache.js";
import { decodeBars, encodeBars } from "../../../services/backtest/data/columnar-file.js";
import { barsFingerprint } from "../../../services/backtest/data/fingerprint.js";
import { copyBars } from "../../../services/backtest/engine/bars.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { googBars } from "../engine/goog-fixture.js";

const removers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(removers.splice(0).map((remove) => remove()));
});

describe("columnar bytes", () => {
  it("round-trips every column bit for bit", () => {
    const bars = googBars();
    const bytes = encodeBars(bars, { note: "x" });
    const { bars: back, header } = decodeBars(bytes, "test");
    expect(header.meta).toEqual({ note: "x" });
    for (const column of ["time", "open", "high", "low", "close", "volume"] as const) expect(back[column]).toEqual(bars[column]);
    expect(bytes.length).toBeLessThan(2148 * 6 * 8 + 256); // raw columns and a small header
  });

  it("decodes from an unaligned buffer", () => {
    const bytes = encodeBars(googBars());
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    expect(decodeBars(shifted, "test").bars.close[2147]).toBe(806.19);
  });

  it("refuses truncated, foreign or tampered bytes with DAT_PARSE", () => {
    const bytes = encodeBars(googBars());
    expect(() => decodeBars(bytes.subarray(0, bytes.length - 8), "cache entry")).toThrow(/cache entry: not a columnar bars file \(truncated/);
    expect(() => decodeBars(Buffer.from("PAR1 not ours"), "x")).toThrow(/bad magic/);
    const badHeader = Buffer.from(bytes);
    badHeader.writeUInt32LE(1e9, 8);
    expect(() => decodeBars(badHeader, "x")).toThrow(expect.objectContaining({ code: "DAT_PARSE" }));
  });
});

describe("barsFingerprint", () => {
  it("is stable for equal bars and changes with any value", () => {
    const bars = googBars();
    const same = copyBars(bars);
    expect(barsFingerprint(same)).toBe(barsFingerprint(bars));
    expect(barsFingerprint(bars)).toMatch(/^[0-9a-f]{64}$/);
    same.volume[1000] = same.volume[1000]! + 1;
    expect(barsFingerprint(same)).not.toBe(barsFingerprint(bars));
    const shorter = copyBars({ ...bars, time: bars.time.subarray(0, 10), open: bars.open.subarray(0, 10), high: bars.high.subarray(0, 10), low: bars.low.subarray(0, 10), close: bars.close.subarray(0, 10), volume: bars.volume.subarray(0, 10) });
    expect(barsFingerprint(shorter)).not.toBe(barsFingerprint(bars));
  });
});

describe("BarCache", () => {
  const key = { source: "binance-spot", symbol: "BTCUSDT", timeframe: 60, startMs: 0, endMs: 1e12 };

  it("misses, stores, hits; keys differ by every field", async () => {
    const temp = await makeTempDir();
    removers.push(temp.remove);
    const cache = new BarCache(path.join(temp.dir, "cache"));
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, googBars());
    expect((await cache.get(key))!.close).toEqual(googBars().close);
    for (const other of [{ source: "binance-futures" }, { symbol: "ETHUSDT" }, { timeframe: 240 }, { startMs: 1 }, { endMs: 2e12 }]) {
      expect(await cache.get({ ...key, ...other })).toBeUndefined();
    }
    const files = await readdir(path.join(temp.dir, "cache"));
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.bars$/)]); // no temporaries left behind
  });

  it("treats a corrupt or foreign entry as a miss, and replaces it", async () => {
    const temp = await makeTempDir();
    removers.push(temp.remove);
    const cache = new BarCache(temp.dir);
    await writeFile(cache.pathFor(key), "garbage");
    expect(await cache.get(key)).toBeUndefined();
    const otherKey = { ...key, symbol: "ETHUSDT" };
    await cache.set(otherKey, googBars());
    await writeFile(cache.pathFor(key), await readFile(cache.pathFor(otherKey))); // an entry copied under the wrong name
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, googBars());
    expect(await cache.get(key)).toBeDefined();
  });
});
