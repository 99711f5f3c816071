/**
 * The dataset catalog: file datasets cut to the configured range with fresh buffers and a
 * fingerprint; the timeframe must match the file; remote bars fetched once and then served from
 * the columnar cache (checked against the Binance stand-in's request log).
 */
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBacktestConfig, type BacktestConfigInput } from "../../../services/backtest/config.js";
import { BinanceKlinesSource } from "../../../services/backtest/data/binance-klines.js";
import { FileAndRemoteCatalog } from "../../../services/backtest/data/catalog.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { GOOG_CSV } from "../engine/goog-fixture.js";
import { startBinanceStandIn, type StandIn } from "./binance-stand-in.js";

let temp: { dir: string; remove: () => Promise<void> };
let standIn: StandIn;
let catalog: FileAndRemoteCatalog;
const config = (input: BacktestConfigInput = {}) => parseBacktestConfig(input);

beforeAll(async () => {
  temp = await makeTempDir();
  standIn = await startBinanceStandIn();
  await mkdir(path.join(temp.dir, "data"));
  await copyFile(GOOG_CSV, path.join(temp.dir, "data", "GOOG.csv"));
  await writeFile(path.join(temp.dir, "data", "unordered.csv"), "time,open,high,low,close\n2024-01-02,1,1,1,1\n2024-01-01,1,1,1,1\n");
  catalog = new FileAndRemoteCatalog({
    dataDir: path.join(temp.dir, "data"),
    cacheDir: path.join(temp.dir, "cache"),
    sources: [new BinanceKlinesSource({ market: "spot", baseUrl: standIn.url, sleep: async () => {} })],
  });
});
afterAll(async () => {
  await standIn.close();
  await temp.remove();
});

describe("FileAndRemoteCatalog", () => {
  it("lists files and remote sources", async () => {
    const list = await catalog.list();
    expect(list.map((d) => [d.name, d.kind])).toEqual([
      ["GOOG.csv", "file"],
      ["unordered.csv", "file"],
      ["binance-spot", "remote"],
    ]);
  });

  it("cuts a file to [start, end) and fingerprints what it returns", async () => {
    const all = await catalog.load("GOOG.csv", config());
    expect(all.bars.time.length).toBe(2148);
    const year = await catalog.load("GOOG.csv", config({ start: "2010-01-01", end: "2011-01-01" }));
    expect(year.bars.time[0]).toBe(Date.UTC(2010, 0, 4)); // first trading day of 2010
    expect(year.bars.time[year.bars.time.length - 1]).toBe(Date.UTC(2010, 11, 31));
    expect(year.bars.time.length).toBe(252);
    expect(year.fingerprint).not.toBe(all.fingerprint);
    expect(await catalog.fingerprint("GOOG.csv", config({ start: "2010-01-01", end: "2011-01-01" }))).toBe(year.fingerprint);
    expect(year.validation.bars).toBe(2148);
  });

  it("hands out views on the memoised bars, one shared buffer for every load (no copy per job)", async () => {
    const a = await catalog.load("GOOG.csv", config());
    const b = await catalog.load("GOOG.csv", config());
    expect(a.bars.close.buffer).toBe(b.bars.close.buffer);
    expect(a.bars.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.bars.close[0]).toBe(100.34);
  });

  it("refuses a timeframe other than the file's, saying which to set", async () => {
    await expect(catalog.load("GOOG.csv", config({ timeframe: 60 }))).rejects.toMatchObject({
      code: "DAT_INVALID_REQUEST",
      message: expect.stringMatching(/GOOG\.csv holds 1440-minute bars .* set timeframe to 1440/),
    });
  });

  it("refuses an empty range, naming what the file holds", async () => {
    await expect(catalog.load("GOOG.csv", config({ start: "2020-01-01", end: "2021-01-01" }))).rejects.toMatchObject({
      code: "DAT_EMPTY",
      message: expect.stringMatching(/2004-08-19.*2013-03-01/),
    });
  });

  it("refuses invalid data and unsafe names", async () => {
    await expect(catalog.load("unordered.csv", config())).rejects.toMatchObject({ code: "DAT_UNORDERED" });
    await expect(catalog.load("../GOOG.csv", config())).rejects.toMatchObject({ code: "DAT_INVALID_NAME" });
  });

  it("needs symbol, start and end for a remote source", async () => {
    await expect(catalog.load("binance-spot", config({ symbol: "BTCUSDT" }))).rejects.toMatchObject({
      code: "DAT_INVALID_REQUEST",
      message: "binance-spot needs symbol, start and end in the config",
    });
  });

  it("fetches remote bars once, then serves them from the columnar cache", async () => {
    const remote = config({ symbol: "BTCUSDT", timeframe: 60, start: "2024-01-01", end: "2024-03-01" });
    const first = await catalog.load("binance-spot", remote);
    expect(first.bars.time.length).toBe(60 * 24);
    const requests = standIn.requests.length;
    expect(requests).toBe(2); // 1,440 hourly bars in pages of 1,000
    expect(await readdir(path.join(temp.dir, "cache"))).toHaveLength(1);

    // A new catalog (a restarted worker) has no memory: the cache file answers, not Binance.
    const restarted = new FileAndRemoteCatalog({
      dataDir: path.join(temp.dir, "data"),
      cacheDir: path.join(temp.dir, "cache"),
      sources: [new BinanceKlinesSource({ market: "spot", baseUrl: standIn.url })],
    });
    const second = await restarted.load("binance-spot", remote);
    expect(standIn.requests.length).toBe(requests);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.bars.close).toEqual(first.bars.close);
  });
});
