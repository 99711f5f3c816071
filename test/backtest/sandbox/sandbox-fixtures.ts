/** Bars and strategies the sandbox tests share. */
import { expect } from "vitest";
import { allocateBars, type Bars } from "../../../services/backtest/engine/bars.js";
import { runStrategy, type RunStrategyOptions, type StrategyRequest } from "../../../services/backtest/sandbox/run-strategy.js";

/** A deterministic wavy price series (a sine over a slow drift), `n` bars one minute apart. */
export function makeBars(n: number): Bars {
  const bars = allocateBars(n);
  for (let i = 0; i < n; i++) {
    const close = 100 + 10 * Math.sin(i / 15) + i * 0.01;
    bars.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    bars.open[i] = close - 0.5;
    bars.high[i] = close + 1;
    bars.low[i] = close - 1;
    bars.close[i] = close;
    bars.volume[i] = 1000 + i;
  }
  return bars;
}

/** Long/short SMA reversal computed on the host the obvious way: the reference for every shape. */
export function referenceSmaCross(close: Float64Array, fast: number, slow: number): Float64Array {
  const mean = (end: number, n: number) => {
    let s = 0;
    for (let k = end - n + 1; k <= end; k++) s += close[k]!;
    return s / n;
  };
  const out = new Float64Array(close.length).fill(NaN);
  for (let i = slow; i < close.length; i++) {
    const f0 = mean(i - 1, fast), s0 = mean(i - 1, slow), f1 = mean(i, fast), s1 = mean(i, slow);
    if (f1 > s1 && f0 <= s0) out[i] = 1;
    else if (f1 < s1 && f0 >= s0) out[i] = -1;
  }
  return out;
}

export const JS_SMA_CROSS = `import { sma, crossover } from "quantmind";
export function signals(data, params) {
  const fast = sma(data.close, params.fast), slow = sma(data.close, params.slow);
  const up = crossover(fast, slow), down = crossover(slow, fast);
  const out = new Float64Array(data.length).fill(NaN);
  for (let i = 0; i < data.length; i++) out[i] = up[i] ? 1 : down[i] ? -1 : NaN;
  return out;
}`;

export const PY_SMA_CROSS = `from quantmind import sma, crossover
def signals(data, params):
    fast, slow = sma(data.close, params["fast"]), sma(data.close, params["slow"])
    up, down = crossover(fast, slow), crossover(slow, fast)
    return [1.0 if up[i] else (-1.0 if down[i] else None) for i in range(len(data))]
`;

/** NaN-aware equality of two target arrays. */
export function expectSameTargets(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const diff: number[] = [];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Number.isNaN(a) && Number.isNaN(e)) && a !== e) diff.push(i);
  }
  expect(diff.slice(0, 5)).toEqual([]);
}

/** Runs and returns the error's code (and line), or "ok". */
export async function outcome(request: StrategyRequest, options?: RunStrategyOptions): Promise<{ code: string; line?: number; message?: string }> {
  try {
    await runStrategy(request, options);
    return { code: "ok" };
  } catch (error) {
    const e = error as { code?: string; line?: number; message: string };
    return { code: e.code ?? `untyped: ${e.message}`, line: e.line, message: e.message };
  }
}
