import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBacktestConfig } from "../../services/backtest/config.js";
import { openDatasets } from "../../services/backtest/open-datasets.js";
import { BUNDLED_DATA_DIR } from "../../services/backtest/service-config.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { waveCsv } from "./helpers/worker-process.js";

let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("qm-bt-datasets-");
  await copyFile(path.join(BUNDLED_DATA_DIR, "GOOG-daily-2004-2013.csv"), path.join(temp.dir, "goog.csv"));
  await writeFile(path.join(temp.dir, "wave.csv"), waveCsv(100));
  await writeFile(path.join(temp.dir, "bad.csv"), "time,open,high,low,close\n2020-01-01,1,2,0.5,x\n");
  await writeFile(path.join(temp.dir, "notes.txt"), "not a dataset");
});
afterAll(() => temp?.remove());

const config = (extra: Record<string, unknown> = {}) => parseBacktestConfig(extra);

describe("the CSV dataset catalogue", () => {
  it("lists the CSV files with bar counts and ranges, and an unreadable one with its code", async () => {
    const list = await openDatasets(temp.dir).list();
    expect(list.map((d) => d.name)).toEqual(["bad.csv", "goog.csv", "wave.csv"]);
    expect(list[1]).toMatchObject({ name: "goog.csv", bars: 2148, start: "2004-08-19T00:00:00.000Z" });
    expect(list[0]).toEqual({ name: "bad.csv", error: "DAT_PARSE" });
  });

  it("refuses names that are not plain CSV file names in the directory", async () => {
    const catalog = openDatasets(temp.dir);
    for (const name of ["../goog.csv", "/etc/passwd", "sub/goog.csv", "notes.txt", "..csv", ""]) {
      await expect(catalog.load(name, config()), name).rejects.toMatchObject({ code: "DAT_INVALID_NAME" });
    }
    await expect(catalog.load("missing.csv", config())).rejects.toMatchObject({ code: "DAT_NOT_FOUND" });
    await expect(catalog.load("bad.csv", config())).rejects.toMatchObject({ code: "DAT_PARSE" });
  });

  it("selects the configured range as a view, fingerprints exactly that slice, and refuses an empty range", async () => {
    const catalog = openDatasets(temp.dir);
    const all = await catalog.load("goog.csv", config());
    const year = await catalog.load("goog.csv", config({ start: "2010-01-01", end: "2011-01-01" }));
    expect(year.bars.time.length).toBe(252);
    expect(new Date(year.bars.time[0]!).toISOString()).toBe("2010-01-04T00:00:00.000Z");
    expect(year.bars.close.buffer).toBe(all.bars.close.buffer); // a view, not a copy
    expect(year.fingerprint).not.toBe(all.fingerprint);
    expect(await catalog.fingerprint("goog.csv", config({ start: "2010-01-01", end: "2011-01-01" }))).toBe(year.fingerprint);
    await expect(catalog.load("goog.csv", config({ start: "2020-01-01" }))).rejects.toMatchObject({ code: "DAT_EMPTY" });
  });

  it("reads a changed file again: new bars, new fingerprint", async () => {
    const catalog = openDatasets(temp.dir);
    const before = await catalog.load("wave.csv", config());
    await writeFile(path.join(temp.dir, "wave.csv"), waveCsv(120));
    const after = await catalog.load("wave.csv", config());
    expect([before.bars.time.length, after.bars.time.length]).toEqual([100, 120]);
    expect(after.fingerprint).not.toBe(before.fingerprint);
  });
});
