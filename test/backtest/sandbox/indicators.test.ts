/**
 * The indicator helpers inside the sandboxes against naive host references (each window summed
 * afresh), on a series with NaN holes: JavaScript (isolate), Python with numpy and Python with
 * the standard library alone. Each job returns one helper's output as its targets.
 */
import { describe, expect, it } from "vitest";
import { runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { makeBars } from "./sandbox-fixtures.js";

const N = 300;
const bars = makeBars(N);
/** Indices set to NaN inside each strategy (JS and Python alike). */
const HOLES = [3, 120, 121];
const x = Float64Array.from(bars.close, (v, i) => (HOLES.includes(i) ? NaN : v));

function window(end: number, n: number, f: (v: number) => number = (v) => v): number {
  if (end < n - 1) return NaN;
  let s = 0;
  for (let k = end - n + 1; k <= end; k++) s += f(x[k]!);
  return s;
}
const ref = {
  sma: (n: number) => Float64Array.from(x, (_, i) => window(i, n) / n),
  bollingerUpper: (n: number, k: number) =>
    Float64Array.from(x, (_, i) => {
      const m = window(i, n) / n;
      return m + k * Math.sqrt(Math.max(0, window(i, n, (v) => v * v) / n - m * m));
    }),
  ema: (n: number) => {
    const out = new Float64Array(N).fill(NaN);
    let start = 0;
    while (Number.isNaN(x[start])) start++;
    let prev = window(start + n - 1, n) / n;
    out[start + n - 1] = prev;
    for (let i = start + n; i < N; i++) out[i] = prev = prev + (2 / (n + 1)) * (x[i]! - prev);
    return out;
  },
  crossover: (level: number) => Float64Array.from(x, (v, i) => (i > 0 && v > level && x[i - 1]! <= level ? 1 : 0)),
};
const close = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
function expectClose(actual: Float64Array, expected: Float64Array, label: string): void {
  const bad = [...expected.keys()].filter((i) => !close(actual[i]!, expected[i]!));
  expect(bad.map((i) => [i, actual[i], expected[i]]), label).toEqual([]);
}

const CASES: [string, string, string, Float64Array][] = [
  ["sma", "sma(x, 10)", "sma(x, 10)", ref.sma(10)],
  ["sma 1", "sma(x, 1)", "sma(x, 1)", ref.sma(1)],
  ["bollinger upper", "bollinger(x, 20, 2).upper", 'bollinger(x, 20, 2.0)["upper"]', ref.bollingerUpper(20, 2)],
  ["bollinger middle", "bollinger(x, 20, 2).middle", 'bollinger(x, 20, 2.0)["middle"]', ref.sma(20)],
  ["ema (the NaN holes propagate)", "ema(x, 8)", "ema(x, 8)", ref.ema(8)],
  ["crossover of a level", "crossover(x, 105)", "crossover(x, 105)", ref.crossover(105)],
];

describe("indicator helpers inside the sandbox", () => {
  it("JavaScript: the same values as the naive references", async () => {
    for (const [label, js, , expected] of CASES) {
      const code = `import { sma, ema, bollinger, crossover } from "quantmind";
export function signals(data) {
  const x = Float64Array.from(data.close); for (const h of ${JSON.stringify(HOLES)}) x[h] = NaN;
  return ${js};
}`;
      expectClose(await runStrategy({ language: "javascript", code, bars, params: {} }), expected, label);
    }
  });

  for (const [interpreter, options] of [["numpy", {}], ["the standard library", { python: { python: "/usr/bin/python3" } }]] as const) {
    it(`Python with ${interpreter}: the same values`, async () => {
      for (const [label, , py, expected] of CASES) {
        const code = `import math
from quantmind import sma, ema, bollinger, crossover
def signals(data, params):
    x = [float(v) for v in data.close]
    for h in ${JSON.stringify(HOLES)}:
        x[h] = math.nan
    return list(${py})
`;
        expectClose(await runStrategy({ language: "python", code, bars, params: {} }, options), expected, `${interpreter}: ${label}`);
      }
    });
  }
});

/**
 * The JavaScript sma takes a plain rolling sum unless a NaN follows the leading NaN run, and
 * crossover carries each comparison to the next bar: both against the naive references on
 * series that take each path.
 */
describe("JavaScript sma and crossover on each of their paths", () => {
  const SERIES: [string, number[]][] = [
    ["no NaN", []],
    ["a leading NaN run only (another helper's warm-up)", [0, 1, 2, 3, 4]],
    ["a NaN after the leading run", [0, 1, 250]],
    ["a NaN inside the first window", [12]],
  ];
  const naiveSma = (v: Float64Array, n: number) =>
    Float64Array.from(v, (_, i) => {
      if (i < n - 1) return NaN;
      let s = 0;
      for (let k = i - n + 1; k <= i; k++) s += v[k]!;
      return s / n;
    });
  const naiveCross = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => (i > 0 && v > b[i]! && a[i - 1]! <= b[i - 1]! ? 1 : 0));
  const withNaN = (holes: number[]) => Float64Array.from(bars.close, (v, i) => (holes.includes(i) ? NaN : v));

  for (const [label, holes] of SERIES) {
    it(`${label}: sma(7), sma of that sma, and the crossover of sma(5) and sma(20)`, async () => {
      const run = (expression: string) =>
        runStrategy({
          language: "javascript",
          code: `import { sma, crossover } from "quantmind";
export function signals(data) {
  const x = Float64Array.from(data.close); for (const h of ${JSON.stringify(holes)}) x[h] = NaN;
  return ${expression};
}`,
          bars,
          params: {},
        });
      const x = withNaN(holes);
      expectClose(await run("sma(x, 7)"), naiveSma(x, 7), `${label}: sma`);
      expectClose(await run("sma(sma(x, 7), 3)"), naiveSma(naiveSma(x, 7), 3), `${label}: sma of sma`);
      expectClose(await run("crossover(sma(x, 5), sma(x, 20))"), naiveCross(naiveSma(x, 5), naiveSma(x, 20)), `${label}: crossover`);
    });
  }

  it("a window longer than the series: all NaN", async () => {
    const targets = await runStrategy({ language: "javascript", code: `import { sma } from "quantmind";\nexport const signals = (d) => sma(d.close, ${N + 1});`, bars, params: {} });
    expect(targets.every(Number.isNaN)).toBe(true);
  });
});
