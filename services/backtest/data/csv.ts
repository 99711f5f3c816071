/**
 * OHLCV bars from CSV text. Two layouts are read: backtesting.py's (`,Open,High,Low,Close,Volume`
 * with the date in an unnamed first column) and the plain `time,open,high,low,close,volume`.
 * Column names are case-insensitive; the time column may be named time, date, datetime,
 * timestamp or open_time, or be the unnamed first column. Times are ISO dates or date-times
 * (UTC unless an offset is given) or epoch numbers (seconds below 1e11, else milliseconds).
 * Volume is optional (0 when absent). Parsing only: ordering and OHLC checks are validate.ts's.
 */
import { DataParseError } from "../errors.js";
import { allocateBars, copyBars, sliceBars, type Bars } from "../engine/bars.js";

const TIME_NAMES = new Set(["time", "date", "datetime", "timestamp", "open_time", ""]);
const PRICE_COLUMNS = ["open", "high", "low", "close"] as const;

/** Parses CSV `text` (from `source`, named in errors) into bars, in file order. */
export function parseCsvBars(text: string, source: string): Bars {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").replace(/^\uFEFF/, "").split(",").map((name) => name.trim().toLowerCase());
  const timeIndex = header.findIndex((name) => TIME_NAMES.has(name));
  if (timeIndex < 0) {
    throw new DataParseError(`${source}: no time column in the header (name one time, date, datetime or timestamp)`);
  }
  const columnIndex = (name: string) => header.indexOf(name);
  const priceIndex = PRICE_COLUMNS.map((name) => {
    const index = columnIndex(name);
    if (index < 0) throw new DataParseError(`${source}: the header has no ${name} column (found: ${header.join(", ")})`);
    return index;
  });
  const volumeIndex = columnIndex("volume");

  const bars = allocateBars(lines.length - 1);
  const columns = [bars.open, bars.high, bars.low, bars.close];
  let count = 0;
  for (let line = 1; line < lines.length; line++) {
    const row = lines[line]!;
    if (row.trim() === "") continue;
    const fields = row.split(",");
    const time = parseTime(fields[timeIndex]?.trim() ?? "");
    if (Number.isNaN(time)) {
      throw new DataParseError(`${source} line ${line + 1}: time ${JSON.stringify(fields[timeIndex] ?? "")} is not an ISO date or epoch number`);
    }
    bars.time[count] = time;
    for (let c = 0; c < 4; c++) columns[c]![count] = parseNumber(fields[priceIndex[c]!], source, line, PRICE_COLUMNS[c]!);
    bars.volume[count] = volumeIndex < 0 ? 0 : parseNumber(fields[volumeIndex], source, line, "volume");
    count++;
  }
  return count === lines.length - 1 ? bars : copyBars(sliceBars(bars, 0, count));
}

function parseNumber(field: string | undefined, source: string, line: number, column: string): number {
  const text = field?.trim() ?? "";
  const value = text === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new DataParseError(`${source} line ${line + 1}: ${column} ${JSON.stringify(text)} is not a number`);
  }
  return value;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms from an ISO date / date-time (UTC unless an offset is given) or an epoch number; NaN otherwise. */
export function parseTime(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    return Math.abs(value) < 1e11 ? value * 1000 : value;
  }
  if (ISO_DATE.test(text)) return Date.parse(`${text}T00:00:00Z`);
  if (ISO_DATE_TIME.test(text)) {
    const iso = text.replace(" ", "T");
    return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  }
  return Number.NaN;
}
