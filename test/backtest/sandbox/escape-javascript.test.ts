/**
 * Escape corpus, JavaScript: each attempt must end in an SBX_ or TIM_ code, or a RUN_ code
 * where the attempt simply fails inside the isolate; afterwards the host is unchanged (no
 * prototype touched, environment intact) and the next job still returns the right targets.
 */
import { afterAll, describe, expect, it } from "vitest";
import { isolateHealth, runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { expectSameTargets, JS_SMA_CROSS, makeBars, outcome, referenceSmaCross } from "./sandbox-fixtures.js";

const bars = makeBars(500);
const expected = referenceSmaCross(bars.close, 5, 20);
const limits = { timeoutMs: 1_500, cpuMs: 1_000, memoryMb: 48 };
const envBefore = JSON.stringify(process.env);

/** Strategy body helper: the attempt, then a throw if it found nothing, so "nothing" is visible. */
const sig = (body: string) => `export function signals(data, params) {\n${body}\n}`;

const MEMORY = { timeoutMs: 10_000, cpuMs: 10_000, memoryMb: 16 };

const ATTEMPTS: [name: string, code: string, codes: string[], limits?: typeof MEMORY][] = [
  ["require a core module", sig("const fs = require('fs'); return fs.readFileSync('/etc/passwd');"), ["SBX_REFUSED"]],
  ["import a core module statically", `import { execSync } from "node:child_process";\n${sig("return execSync('id');")}`, ["SBX_REFUSED"]],
  ["dynamic import()", sig("return import('node:fs');"), ["SBX_REFUSED"]],
  ["require, caught and ignored", sig("try { require('child_process'); } catch {} return new Float64Array(data.length);"), ["SBX_REFUSED"]],
  ["process global", sig("return process.env;"), ["RUN_THREW"]],
  ["constructor chain to process", sig("const p = this.constructor.constructor('return process')(); return p.mainModule.require('fs');"), ["RUN_THREW"]],
  ["constructor chain from a column", sig("const g = data.close.constructor.constructor('return this')(); return g.process.binding('fs');"), ["RUN_THREW"]],
  ["Function reaching the host global", sig("const g = Function('return globalThis')(); if (!g.require && !g.process && !g.ivm) throw new Error('no host here'); return g;"), ["RUN_THREW"]],
  ["indirect eval of require", sig("return (0, eval)('require')('fs');"), ["RUN_THREW"]],
  ["direct eval of the sandbox require", sig("return eval('require')('fs');"), ["SBX_REFUSED"]],
  ["import() through new Function", sig("return new Function(\"return import('fs')\")();"), ["SBX_REFUSED"]],
  ["async constructor chain", sig("return Object.getPrototypeOf(async function () {}).constructor('return process')();"), ["RUN_THREW", "RUN_BAD_RESULT"]],
  ["fetch", sig("return fetch('http://127.0.0.1:1/');"), ["RUN_THREW"]],
  ["sockets and XHR", sig("const s = new WebSocket('ws://127.0.0.1:1'); return new XMLHttpRequest();"), ["RUN_THREW"]],
  ["timers", sig("setTimeout(() => {}, 0); return new Float64Array(data.length);"), ["RUN_THREW"]],
  [
    "stack-trace callsites to host frames",
    sig("Error.prepareStackTrace = (_, cs) => cs; const cs = new Error().stack; const found = cs.map((c) => c.getThis && c.getThis()).filter((t) => t && (t.process || t.require)); if (found.length === 0) throw new Error('no host frames'); return found;"),
    ["RUN_THREW"],
  ],
  ["Atomics.wait to stall without CPU", sig("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return null;"), ["RUN_THREW", "TIM_TIMEOUT"]],
  ["infinite loop", sig("for (;;) {}"), ["TIM_CPU", "TIM_TIMEOUT"]],
  ["infinite loop in next()", "export function next(i) { while (true) {} }", ["TIM_CPU", "TIM_TIMEOUT"]],
  // The chain allocates as it spins: whichever limit it reaches first (time, CPU or memory) ends it.
  ["microtask flood after returning", sig("Promise.resolve().then(function f() { return Promise.resolve().then(f); }); return new Float64Array(data.length);"), ["TIM_TIMEOUT", "TIM_CPU", "TIM_MEMORY"]],
  ["memory bomb (objects)", sig("const a = []; for (;;) a.push({ x: [1, 2, 3], y: 'abc' + a.length });"), ["TIM_MEMORY"], MEMORY],
  ["memory bomb (ArrayBuffers)", sig("const a = []; for (;;) a.push(new Float64Array(1 << 20));"), ["TIM_MEMORY", "RUN_THREW"], MEMORY],
  ["one huge ArrayBuffer", sig("return new Float64Array(2 ** 31);"), ["TIM_MEMORY", "RUN_THREW"], MEMORY],
  ["WebAssembly memory bomb", sig("const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); for (;;) m.grow(1024);"), ["TIM_MEMORY", "RUN_THREW"], MEMORY],
  ["string bomb", sig("let s = 'x'; for (;;) s += s;"), ["RUN_THREW", "TIM_MEMORY"]],
  ["stack overflow", sig("const f = () => f() + 1; return f();"), ["RUN_THREW"]],
  ["output flood", sig("for (;;) console.log('x'.repeat(10000));"), ["TIM_CPU", "TIM_TIMEOUT"]],
  ["thrown Proxy with a looping trap", sig("throw new Proxy({}, { get() { for (;;) {} } });"), ["TIM_TIMEOUT", "TIM_CPU"]],
  ["thrown Error whose stack getter loops", sig("const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { for (;;) {} } }); throw e;"), ["TIM_TIMEOUT", "TIM_CPU"]],
  ["huge result array", sig("return new Array(1e8).fill(1);"), ["TIM_MEMORY", "RUN_THREW", "RUN_BAD_RESULT"], MEMORY],
  ["wrong-length result", sig("return new Float64Array(data.length + 1);"), ["RUN_BAD_RESULT"]],
  ["result with a lying length", sig("return { length: data.length, 0: 1 };"), ["RUN_BAD_RESULT"]],
  ["Proxy result", sig("return new Proxy(new Float64Array(data.length), { get() { for (;;) {} } });"), ["RUN_BAD_RESULT", "TIM_TIMEOUT"]],
  ["prototype pollution of the returned object", sig("Object.prototype.length = data.length; Array.prototype[0] = Infinity; return Object.create(null);"), ["RUN_BAD_RESULT"]],
  ["poisoned intrinsics the runner uses", sig("Float64Array.prototype.set = function () { this.fill(Infinity); }; return new Float64Array(data.length).fill(NaN).map(() => Infinity);"), ["RUN_BAD_RESULT"]],
];

describe("JavaScript escape corpus", () => {
  afterAll(() => {
    // The host process is untouched by everything above.
    expect(JSON.stringify(process.env)).toBe(envBefore);
    expect(({} as Record<string, unknown>).length).toBeUndefined();
    expect(typeof Float64Array.prototype.set).toBe("function");
    expect(new Float64Array([1, 2]).map((x) => x * 2)[1]).toBe(4);
    // No thread left spinning (the cases that strand one run in child processes: isolate-health.test.ts).
    expect(isolateHealth().stranded).toBe(0);
  });

  it("has at least 20 attempts", () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, code, codes, own] of ATTEMPTS) {
    it(`refuses: ${name}; the next job runs`, async () => {
      const result = await outcome({ language: "javascript", code, bars, params: {}, limits: own ?? limits });
      expect(codes, `${name}: ${result.code} ${result.message ?? ""}`).toContain(result.code);
      const next = await runStrategy({ language: "javascript", code: JS_SMA_CROSS, bars, params: { fast: 5, slow: 20 } });
      expectSameTargets(next, expected);
    });
  }

  it("keeps the host's event loop running while a job spins", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const result = await outcome({ language: "javascript", code: sig("for (;;) {}"), bars, params: {}, limits: { timeoutMs: 300 } });
    clearInterval(timer);
    expect(result.code).toMatch(/^TIM_/);
    expect(ticks).toBeGreaterThan(5);
  });
});
