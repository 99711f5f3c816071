/**
 * OHLCV bars from a Parquet file, read with hyparquet column by column (no row objects).
 * Column names follow csv.ts: a time column (time, date, datetime, timestamp, open_time) and
 * open/high/low/close, volume optional. Times may be Parquet timestamps or dates, integer or
 * floating epoch numbers (seconds below 1e11, else ms), or ISO strings.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { allocateBars, type Bars } from "../engine/bars.js";
import { DataParseError } from "../errors.js";
import { parseTime } from "./csv.js";

const TIME_NAMES = ["time", "date", "datetime", "timestamp", "open_time"];
const REQUIRED = ["open", "high", "low", "close"] as const;

// Timestamps and dates as epoch ms numbers, not Date objects: they go straight into a Float64Array.
const PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => Number(millis),
  timestampFromMicroseconds: (micros: bigint) => Number(micros / 1000n),
  timestampFromNanoseconds: (nanos: bigint) => Number(nanos / 1_000_000n),
  dateFromDays: (days: number) => days * 86_400_000,
};

export async function readParquetBars(file: string, source: string): Promise<Bars> {
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new DataParseError(`${source}: not a readable Parquet file (${(error as Error).message})`, { cause: error });
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const byLower = new Map(columns.map((name) => [name.toLowerCase(), name]));
  const timeColumn = TIME_NAMES.map((name) => byLower.get(name)).find((name) => name !== undefined);
  if (!timeColumn) throw new DataParseError(`${source}: no time column (name one time, date, datetime or timestamp; found ${columns.join(", ")})`);
  const wanted: Record<string, string> = { time: timeColumn };
  for (const name of REQUIRED) {
    const actual = byLower.get(name);
    if (!actual) throw new DataParseError(`${source}: no ${name} column (found ${columns.join(", ")})`);
    wanted[name] = actual;
  }
  const volumeColumn = byLower.get("volume");
  if (volumeColumn) wanted.volume = volumeColumn;

  const rows = Number(metadata.num_rows);
  const bars = allocateBars(rows);
  const target = new Map<string, Float64Array>(Object.entries(wanted).map(([key, actual]) => [actual, bars[key as keyof Bars]]));
  const problems: string[] = [];
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: Object.values(wanted),
      parsers: PARSERS,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const out = target.get(columnName);
        if (!out) return;
        const isTime = columnName === timeColumn;
        for (let k = 0; k < columnData.length; k++) {
          const value = toNumber(columnData[k], isTime);
          if (Number.isNaN(value) && problems.length === 0) problems.push(`row ${rowStart + k + 1}: ${columnName} ${JSON.stringify(String(columnData[k]))} is not ${isTime ? "a time" : "a number"}`);
          out[rowStart + k] = value;
        }
      },
    });
  } catch (error) {
    throw new DataParseError(`${source}: Parquet decoding failed (${(error as Error).message})`, { cause: error });
  }
  if (problems.length > 0) throw new DataParseError(`${source} ${problems[0]}`);
  return bars;
}

function toNumber(value: unknown, isTime: boolean): number {
  if (typeof value === "number") return isTime && Math.abs(value) < 1e11 ? value * 1000 : value;
  if (typeof value === "bigint") {
    const n = Number(value);
    return isTime && Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string") return isTime ? parseTime(value.trim()) : value.trim() === "" ? Number.NaN : Number(value);
  return Number.NaN;
}
