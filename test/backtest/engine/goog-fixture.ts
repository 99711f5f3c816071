/** The GOOG daily bars shipped in data/backtest (backtesting.py's own test data), parsed once. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseCsvBars } from "../../../services/backtest/data/csv.js";
import type { Bars } from "../../../services/backtest/engine/bars.js";
import { PACKAGE_ROOT } from "../../../services/shared/package-root.js";

export const GOOG_CSV = path.join(PACKAGE_ROOT, "data", "backtest", "GOOG-daily-2004-2013.csv");

let cached: Bars | undefined;
export function googBars(): Bars {
  cached ??= parseCsvBars(readFileSync(GOOG_CSV, "utf8"), "GOOG-daily-2004-2013.csv");
  return cached;
}
