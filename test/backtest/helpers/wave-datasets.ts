/**
 * A DatasetCatalog over generated daily bars, for tests of the job service and the MCP tools that
 * must not depend on files: `wave-<n>` is a sine over a drift with n bars; `broken` fails to load
 * with a DAT_ code, as a corrupt file would.
 */
import { createHash } from "node:crypto";
import { allocateBars, type Bars } from "../../../services/backtest/engine/bars.js";
import { DataParseError, DatasetNotFoundError } from "../../../services/backtest/errors.js";
import type { DatasetCatalog } from "../../../services/backtest/jobs/datasets.js";

export function waveBars(n: number): Bars {
  const bars = allocateBars(n);
  for (let i = 0; i < n; i++) {
    const close = 100 + 10 * Math.sin(i / 15) + i * 0.01;
    bars.time[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    bars.open[i] = close - 0.5;
    bars.high[i] = close + 1;
    bars.low[i] = close - 1;
    bars.close[i] = close;
    bars.volume[i] = 1000 + i;
  }
  return bars;
}

export function waveDatasets(sizes: number[] = [300, 1000]): DatasetCatalog & { loads: number } {
  // Generated once per size and shared, as the file catalogue keeps a parsed file.
  const generated = new Map<number, Bars>();
  const bars = (n: number) => generated.get(n) ?? generated.set(n, waveBars(n)).get(n)!;
  const catalog = {
    loads: 0,
    list: async () => [...sizes.map((n) => ({ name: `wave-${n}`, bars: n, timeframe: 1440 })), { name: "broken" }],
    fingerprint: async (name: string) => {
      resolve(name);
      return createHash("sha256").update(name).digest("hex");
    },
    load: async (name: string) => {
      catalog.loads++;
      return { bars: bars(resolve(name)), fingerprint: createHash("sha256").update(name).digest("hex") };
    },
  };
  const resolve = (name: string): number => {
    if (name === "broken") throw new DataParseError("broken.csv line 3: close \"x\" is not a number");
    const n = /^wave-(\d+)$/.exec(name)?.[1];
    if (n === undefined || !sizes.includes(Number(n))) throw new DatasetNotFoundError(name);
    return Number(n);
  };
  // fingerprint() of "broken" must succeed so the failure shows at run time, as for a file that changed.
  const fingerprint = catalog.fingerprint;
  catalog.fingerprint = async (name: string) => (name === "broken" ? "broken" : fingerprint(name));
  return catalog;
}

export { JS_SMA_CROSS } from "../sandbox/sandbox-fixtures.js";

export const JS_THROWS_ON_LINE_3 = `export function signals(data) {
  const x = 1;
  throw new Error("deliberate " + x);
}`;

export const JS_SYNTAX_ERROR = `export function signals(data) {
  return data.close.map((c) => c > 1 ?);
}`;

/** Spins until cancelled or timed out: a job that only stops from the outside. */
export const JS_SPIN = `export function signals(data) { for (;;) {} }`;
