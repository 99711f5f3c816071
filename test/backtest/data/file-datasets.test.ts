/** File datasets: names only (no traversal, no symlink escape), CSV and Parquet, listing. */
import { mkdir, symlink, writeFile, copyFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileDatasets } from "../../../services/backtest/data/file-datasets.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { GOOG_CSV } from "../engine/goog-fixture.js";
import { writeParquet } from "./parquet-writer.js";

const T0 = Date.UTC(2024, 0, 1);
let temp: { dir: string; remove: () => Promise<void> };
let root: string;

beforeAll(async () => {
  temp = await makeTempDir();
  root = path.join(temp.dir, "data");
  await mkdir(root);
  await copyFile(GOOG_CSV, path.join(root, "GOOG.csv"));
  await writeFile(
    path.join(root, "btc-1m.parquet"),
    writeParquet([
      { name: "open_time", type: "INT64", timestampMillis: true, values: [T0, T0 + 60_000, T0 + 120_000] },
      { name: "open", type: "DOUBLE", values: [100, 101, 102] },
      { name: "high", type: "DOUBLE", values: [101, 102, 103] },
      { name: "low", type: "DOUBLE", values: [99, 100, 101] },
      { name: "close", type: "DOUBLE", values: [101, 102, 101.5] },
      { name: "volume", type: "DOUBLE", values: [5, 6, 7] },
    ]),
  );
  await writeFile(
    path.join(root, "dates.parquet"),
    writeParquet([
      { name: "Date", type: "UTF8", values: ["2024-01-01", "2024-01-02"] },
      { name: "Open", type: "DOUBLE", values: [1, 2] },
      { name: "High", type: "DOUBLE", values: [1, 2] },
      { name: "Low", type: "DOUBLE", values: [1, 2] },
      { name: "Close", type: "DOUBLE", values: [1, 2] },
    ]),
  );
  await writeFile(path.join(root, "notes.txt"), "not a dataset");
  await writeFile(path.join(temp.dir, "secret.csv"), "time,open,high,low,close\n2024-01-01,1,1,1,1\n");
  await symlink(path.join(temp.dir, "secret.csv"), path.join(root, "escape.csv"));
  await writeFile(path.join(root, "broken.parquet"), "PAR1 this is not parquet PAR1");
});
afterAll(() => temp.remove());

describe("FileDatasets", () => {
  it("lists CSV and Parquet files, not other files or links leaving the directory", async () => {
    const names = (await new FileDatasets(root).list()).map((info) => [info.name, info.format]);
    expect(names).toEqual([
      ["broken.parquet", "parquet"],
      ["btc-1m.parquet", "parquet"],
      ["dates.parquet", "parquet"],
      ["GOOG.csv", "csv"],
    ]);
  });

  it("lists nothing for a missing directory", async () => {
    expect(await new FileDatasets(path.join(temp.dir, "nope")).list()).toEqual([]);
  });

  it("reads a CSV dataset", async () => {
    const { bars, version } = await new FileDatasets(root).read("GOOG.csv");
    expect(bars.close.length).toBe(2148);
    expect(version).toMatch(/^\d+:\d+/);
  });

  it("reads Parquet with timestamp and with ISO-string times, any column case", async () => {
    const files = new FileDatasets(root);
    const btc = (await files.read("btc-1m.parquet")).bars;
    expect(Array.from(btc.time)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(Array.from(btc.close)).toEqual([101, 102, 101.5]);
    expect(Array.from(btc.volume)).toEqual([5, 6, 7]);
    const dates = (await files.read("dates.parquet")).bars;
    expect(Array.from(dates.time)).toEqual([T0, T0 + 86_400_000]);
    expect(Array.from(dates.volume)).toEqual([0, 0]);
  });

  it("refuses a file that is not Parquet with DAT_PARSE", async () => {
    await expect(new FileDatasets(root).read("broken.parquet")).rejects.toMatchObject({ code: "DAT_PARSE", message: expect.stringMatching(/^broken\.parquet: not a readable Parquet file/) });
  });

  it.each(["../secret.csv", "/etc/passwd", "..", "data/GOOG.csv", "GOOG.csv/..", ".hidden.csv", "GOOG.txt", "GOOG", "a\\b.csv", "GOOG.csv\u0000"])(
    "refuses the name %j with DAT_INVALID_NAME",
    async (name) => {
      await expect(new FileDatasets(root).read(name)).rejects.toMatchObject({ code: "DAT_INVALID_NAME" });
    },
  );

  it("refuses a symbolic link that leads out of the directory", async () => {
    await expect(new FileDatasets(root).read("escape.csv")).rejects.toMatchObject({
      code: "DAT_INVALID_NAME",
      message: expect.stringMatching(/outside the data directory/),
    });
  });

  it("answers DAT_NOT_FOUND for a well-formed name that is not there", async () => {
    await expect(new FileDatasets(root).read("MSFT.csv")).rejects.toMatchObject({ code: "DAT_NOT_FOUND", message: expect.stringMatching(/list_datasets/) });
  });
});
