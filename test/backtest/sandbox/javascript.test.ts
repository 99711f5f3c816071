import { describe, expect, it } from "vitest";
import { allocateBars, sliceBars } from "../../../services/backtest/engine/bars.js";
import { runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { compileStrategy } from "../../../services/backtest/sandbox/compile.js";
import { expectSameTargets, JS_SMA_CROSS, makeBars, outcome, referenceSmaCross } from "./sandbox-fixtures.js";

const bars = makeBars(2_000);
const expected = referenceSmaCross(bars.close, 10, 30);

describe("JavaScript and TypeScript strategies", () => {
  it("runs a vectorised signals() with the indicator helpers and matches the host reference", async () => {
    const targets = await runStrategy({ language: "javascript", code: JS_SMA_CROSS, bars, params: { fast: 10, slow: 30 } });
    expectSameTargets(targets, expected);
    expect(targets.filter((t) => t === 1).length).toBeGreaterThan(5);
  });

  it("runs init/next bar by bar inside the isolate, undefined meaning hold", async () => {
    const code = `export function init(data, params) { return { f: params.fast, s: params.slow, prev: 0 }; }
export function next(i, data, st) {
  if (i < st.s) return undefined;
  const mean = (n, end) => { let s = 0; for (let k = end - n + 1; k <= end; k++) s += data.close[k]; return s / n; };
  const d0 = mean(st.f, i - 1) - mean(st.s, i - 1), d1 = mean(st.f, i) - mean(st.s, i);
  if (d1 > 0 && d0 <= 0) return 1;
  if (d1 < 0 && d0 >= 0) return -1;
}`;
    const progress: number[] = [];
    const targets = await runStrategy({ language: "javascript", code, bars, params: { fast: 10, slow: 30 }, onProgress: (f) => progress.push(f) });
    expectSameTargets(targets, expected);
    expect(progress.at(-1)).toBe(1);
  });

  it("transpiles TypeScript (types, interfaces, enums) and reports runtime lines in the .ts source", async () => {
    const code = `import { sma, crossover } from "quantmind";
interface Params { fast: number; slow: number }
enum Side { Long = 1, Short = -1 }
export function signals(data: { close: Float64Array; length: number }, p: Params): Float64Array {
  const f = sma(data.close, p.fast), s = sma(data.close, p.slow);
  const up = crossover(f, s), down = crossover(s, f);
  return Float64Array.from({ length: data.length }, (_, i): number => (up[i] ? Side.Long : down[i] ? Side.Short : NaN));
}`;
    expectSameTargets(await runStrategy({ language: "typescript", code, bars, params: { fast: 10, slow: 30 } }), expected);
    const failing = "type T = { a: number };\n\n\nexport function signals(d: T): never {\n  throw new RangeError('deliberate');\n}";
    expect(await outcome({ language: "typescript", code: failing, bars, params: {} })).toMatchObject({ code: "RUN_THREW", line: 5 });
  });

  it("accepts plain arrays and CommonJS exports; null/undefined entries hold", async () => {
    const code = "exports.signals = (d) => Array.from({ length: d.length }, (_, i) => (i % 2 ? 0.5 : null));";
    const targets = await runStrategy({ language: "javascript", code, bars: makeBars(4), params: {} });
    expect(Array.from(targets)).toEqual([NaN, 0.5, NaN, 0.5]);
  });

  it("passes params frozen and bars as Float64Array columns", async () => {
    const code = `export function signals(d, p) {
  const frozen = Object.isFrozen(p) && Object.isFrozen(d);
  const ok = d.close instanceof Float64Array && d.length === 3 && d.volume[2] === 1002 && p.name === "abc" && p.flag === true && frozen;
  return new Float64Array(d.length).fill(ok ? 1 : 0);
}`;
    const targets = await runStrategy({ language: "javascript", code, bars: makeBars(3), params: { name: "abc", flag: true } });
    expect(Array.from(targets)).toEqual([1, 1, 1]);
  });

  it("shares loaded bars (SharedArrayBuffer): a strategy writes only to its own copy of a column", async () => {
    const code = "export function signals(d) { d.close[0] = -1; d.open[1] = -1; return Float64Array.from(d.close); }";
    const shared = makeBars(10);
    expect(shared.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    const targets = await runStrategy({ language: "javascript", code, bars: shared, params: {}, transferBars: true });
    // The strategy saw its own write (one copy per column, kept for the job), the host's bars did not change.
    expect(targets[0]).toBe(-1);
    expect(shared.close[0]).toBeCloseTo(99.99999, 3);
    expect(shared.open[1]).not.toBe(-1);
  });

  it("copies plain ArrayBuffer bars by default and moves them (detached) with transferBars", async () => {
    const code = "export function signals(d) { d.close[0] = -1; return new Float64Array(d.length); }";
    const plain = () => {
      const bars = makeBars(10);
      return Object.fromEntries(Object.entries(bars).map(([name, column]) => [name, column.slice()])) as typeof bars;
    };
    const copied = plain();
    await runStrategy({ language: "javascript", code, bars: copied, params: {} });
    expect(copied.close[0]).toBeCloseTo(99.99999, 3);
    const moved = plain();
    const targets = await runStrategy({ language: "javascript", code, bars: moved, params: {}, transferBars: true });
    expect(targets.length).toBe(10);
    expect(moved.close.length).toBe(0);
  });

  it("handles columns that are views on one shared buffer (moved once, offsets kept)", async () => {
    const n = 5;
    const block = new Float64Array(6 * n);
    const col = (k: number) => block.subarray(k * n, (k + 1) * n);
    const b = { time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
    for (let i = 0; i < n; i++) b.close[i] = 10 + i;
    const code = "export function signals(d) { return Float64Array.from(d.close); }";
    expect(Array.from(await runStrategy({ language: "javascript", code, bars: b, params: {}, transferBars: true }))).toEqual([10, 11, 12, 13, 14]);
  });

  it("reports syntax errors with the user's line, before any isolate starts", async () => {
    const code = "export function signals(d) {\n  const a = 1;\n  const b = ;\n}";
    expect(await outcome({ language: "javascript", code, bars, params: {} })).toMatchObject({ code: "SYN_COMPILE", line: 3 });
    await expect(compileStrategy("typescript", "let x: = 2;")).rejects.toMatchObject({ code: "SYN_COMPILE", line: 1 });
  });

  it("compiles a repeated source once: the same frozen result, per language", async () => {
    const code = "export const signals = (d: { length: number }) => new Float64Array(d.length);";
    const first = await compileStrategy("typescript", code);
    expect(await compileStrategy("typescript", code)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.lines)).toBe(true);
    // The same text as JavaScript is a different program (here, a syntax error).
    await expect(compileStrategy("javascript", code)).rejects.toMatchObject({ code: "SYN_COMPILE" });
  });

  it("reports a throw with its message and line, and a missing entry point", async () => {
    const code = "const k = 2;\n\nexport function signals(d) {\n  return d.close.map((c) => c * missing);\n}";
    const result = await outcome({ language: "javascript", code, bars, params: {} });
    expect(result).toMatchObject({ code: "RUN_THREW", line: 4 });
    expect(result.message).toMatch(/ReferenceError: missing is not defined/);
    expect(await outcome({ language: "javascript", code: "export const x = 1;", bars, params: {} })).toMatchObject({ code: "SYN_NO_ENTRY" });
  });

  it("refuses results that are not one finite number (or NaN) per bar", async () => {
    const cases = [
      "export const signals = (d) => new Float64Array(d.length - 1);",
      "export const signals = (d) => 'nope';",
      "export const signals = (d) => Array.from({ length: d.length }, () => '1');",
      "export const signals = (d) => new Float64Array(d.length).fill(Infinity);",
      "export const next = (i) => ({ valueOf() { return 1; } });",
    ];
    for (const code of cases) expect((await outcome({ language: "javascript", code, bars, params: {} })).code).toBe("RUN_BAD_RESULT");
  });

  it("enforces the wall-clock, CPU and memory limits", async () => {
    const spin = "export function signals(d) { for (;;) {} }";
    expect((await outcome({ language: "javascript", code: spin, bars, params: {}, limits: { timeoutMs: 200, cpuMs: 5_000 } })).code).toBe("TIM_TIMEOUT");
    expect((await outcome({ language: "javascript", code: spin, bars, params: {}, limits: { timeoutMs: 5_000, cpuMs: 150 } })).code).toBe("TIM_CPU");
    const hog = "export function signals(d) { const a = []; for (;;) a.push({ x: new Array(1000).fill(1) }); }";
    expect((await outcome({ language: "javascript", code: hog, bars, params: {}, limits: { memoryMb: 32, timeoutMs: 20_000 } })).code).toBe("TIM_MEMORY");
  });

  it("a few bars cut from a large loaded dataset: the shared buffer does not eat the strategy's memory budget, which still binds", async () => {
    const dataset = allocateBars(2_000_000); // 96 MB, all shared with the isolate
    for (let i = 0; i < 200; i++) dataset.close[i] = 100 + i;
    const few = sliceBars(dataset, 100, 200);
    const echo = "export function signals(d) { return Float64Array.from(d.close); }";
    const targets = await runStrategy({ language: "javascript", code: echo, bars: few, params: {}, limits: { memoryMb: 32 } });
    expect(targets[0]).toBe(200);
    const hog = "export function signals(d) { const a = []; for (;;) a.push({ x: new Array(1000).fill(1) }); }";
    expect((await outcome({ language: "javascript", code: hog, bars: few, params: {}, limits: { memoryMb: 32, timeoutMs: 20_000 } })).code).toBe("TIM_MEMORY");
  });

  it("cancels a running job through its AbortSignal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await outcome({ language: "javascript", code: "export function signals() { for (;;) {} }", bars, params: {}, signal: controller.signal });
    expect(result.code).toBe("SBX_CANCELLED");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
