/**
 * `npm run bench -- backtest-sandbox`: the strategy sandbox's figures, side by side in one run.
 * SMA(10)/SMA(30) crossover on 1,000,000 bars: JavaScript vectorised and bar by bar (with the
 * isolate's start included and without it: the in-isolate run alone), with the bars shared as
 * the data layer loads them (one SharedArrayBuffer) and, for bars from elsewhere, moved or copied
 * in; Python with numpy (whole job, an empty job's start-up, the strategy's own run); isolate
 * creation; and, as the ceiling, the same vectorised strategy in plain Node, cold and warm. CPU times (isolate.cpuTime; Python's process_time inside the sandbox) are printed
 * too: on a machine shared with other work they say more than wall times.
 * Each figure is the median of BENCH_ROUNDS runs (default 5) after three unmeasured ones.
 * It runs under the malloc settings the hardened worker gets (sandbox/malloc-tuning.ts): when
 * started without them it starts itself again with them; BENCH_DEFAULT_MALLOC=1 measures glibc's
 * defaults instead (what the in-process queue of `npm start` runs with).
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import ivm from "isolated-vm";
import { allocateBars, type Bars } from "../services/backtest/engine/bars.js";
import { INDICATORS_SOURCE } from "../services/backtest/sandbox/js/indicators-source.js";
import { compileStrategy } from "../services/backtest/sandbox/compile.js";
import { MALLOC_TUNABLES, withMallocTunables } from "../services/backtest/sandbox/malloc-tuning.js";
import { runStrategy, type SandboxTimings, type StrategyRequest } from "../services/backtest/sandbox/run-strategy.js";
import { machine } from "./lib/stats.js";

const N = Number(process.env.BENCH_BARS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * Unmeasured runs first: a worker's first jobs grow malloc's heaps to their working size (page
 * faults on new memory: about 2.7 us per 4 KiB here), the next ones reuse that memory.
 */
const WARMUP = 3;

const JS_VECTORISED = `import { sma, crossover } from "quantmind";
export function signals(data, params) {
  const fast = sma(data.close, params.fast), slow = sma(data.close, params.slow);
  const up = crossover(fast, slow), down = crossover(slow, fast);
  const out = new Float64Array(data.length).fill(NaN);
  for (let i = 0; i < data.length; i++) { if (up[i]) out[i] = 1; else if (down[i]) out[i] = -1; }
  return out;
}`;

// Rolling sums kept in the state: O(1) per bar, the way a bar-by-bar strategy is written.
const JS_BAR_BY_BAR = `export function init(data, params) { return { f: 0, s: 0, prev: 0 }; }
export function next(i, data, st, params) {
  const c = data.close, nf = params.fast, ns = params.slow;
  st.f += c[i]; if (i >= nf) st.f -= c[i - nf];
  st.s += c[i]; if (i >= ns) st.s -= c[i - ns];
  if (i < ns) return undefined;
  const d = st.f / nf - st.s / ns, p = st.prev;
  st.prev = d;
  if (d > 0 && p <= 0) return 1;
  if (d < 0 && p >= 0) return -1;
  return undefined;
}`;

const PY_NUMPY = `import numpy as np
from quantmind import sma, crossover
def signals(data, params):
    fast, slow = sma(data.close, params["fast"]), sma(data.close, params["slow"])
    out = np.full(len(data), np.nan)
    out[crossover(fast, slow) == 1] = 1.0
    out[crossover(slow, fast) == 1] = -1.0
    return out
`;
const PY_EMPTY = "import numpy as np\ndef signals(data, params):\n    return np.full(len(data), np.nan)\n";

function makeBars(n: number): Bars {
  const bars = allocateBars(n);
  for (let i = 0; i < n; i++) {
    const close = 100 + 10 * Math.sin(i / 500) + 3 * Math.sin(i / 37) + i * 1e-5;
    bars.time[i] = i * 60_000;
    bars.open[i] = close - 0.1;
    bars.high[i] = close + 0.5;
    bars.low[i] = close - 0.5;
    bars.close[i] = close;
    bars.volume[i] = 1;
  }
  return bars;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measured {
  totalMs: number;
  /** CPU time of this process (user + system) during the job. */
  hostCpuMs: number;
  timings?: SandboxTimings;
}

/** How the bars reach the isolate (sandbox/js/run-javascript.ts, collectBuffers). */
type BarsIn = "shared" | "moved" | "copied";

/** The same bars in one plain ArrayBuffer per column (bars from outside the data layer). */
function plainBars(bars: Bars): Bars {
  return Object.fromEntries(Object.entries(bars).map(([name, column]) => [name, (column as Float64Array).slice()])) as unknown as Bars;
}

async function measure(request: Omit<StrategyRequest, "bars">, barsIn: BarsIn): Promise<Measured> {
  const loaded = makeBars(N);
  const plain = barsIn === "copied" ? plainBars(loaded) : loaded;
  const runs: Measured[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Moving bars in detaches them: each such run needs its own copy, made outside the timing.
    const bars = barsIn === "shared" ? loaded : barsIn === "moved" ? plainBars(loaded) : plain;
    let timings: SandboxTimings | undefined;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await runStrategy({ ...request, bars, onTimings: (t) => (timings = t) });
    const totalMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (round >= WARMUP) runs.push({ totalMs, hostCpuMs: (cpu.user + cpu.system) / 1000, timings });
  }
  const pick = (f: (m: Measured) => number) => median(runs.map(f));
  return {
    totalMs: pick((m) => m.totalMs),
    hostCpuMs: pick((m) => m.hostCpuMs),
    timings: runs[0]!.timings && {
      isolateMs: pick((m) => m.timings!.isolateMs),
      dataInMs: pick((m) => m.timings!.dataInMs),
      compileMs: pick((m) => m.timings!.compileMs),
      runMs: pick((m) => m.timings!.runMs),
      cpuMs: pick((m) => m.timings!.cpuMs),
      runCpuMs: pick((m) => m.timings!.runCpuMs),
    },
  };
}

/**
 * The ceiling a sandbox can approach: the same strategy and helpers as plain functions of this
 * process, run 30 times in a row. Only the first run is cold, as every run in a fresh isolate is.
 */
async function plainNodeReference(bars: Bars, params: Record<string, number>): Promise<{ firstMs: number; warmMs: number; bestMs: number }> {
  const helpers = new Function(`${INDICATORS_SOURCE}\nreturn { sma, crossover };`)() as Record<string, unknown>;
  // The same CommonJS the sandbox runs, with `require("quantmind")` answered by the plain helpers.
  const { js } = await compileStrategy("javascript", JS_VECTORISED);
  const module = { exports: {} as { signals?: (data: unknown, params: unknown) => Float64Array } };
  new Function("module", "exports", "require", js)(module, module.exports, () => helpers);
  const data = { close: bars.close, length: bars.close.length };
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    module.exports.signals!(data, params);
    times.push(performance.now() - started);
  }
  const warm = times.slice(10);
  return { firstMs: times[0]!, warmMs: median(warm), bestMs: Math.min(...warm) };
}

const rate = (ms: number) => `${(N / ms / 1000).toFixed(1)} M bars/s`;

/** Runs this benchmark again in a child process with the worker's malloc settings. */
function underWorkerMalloc(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: withMallocTunables(process.env), stdio: "inherit" });
  return new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the benchmark exited with ${code}`)))));
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(", ");

export async function benchBacktestSandbox(): Promise<void> {
  if (process.env.BENCH_DEFAULT_MALLOC !== "1" && process.env.GLIBC_TUNABLES === undefined) return underWorkerMalloc();
  console.log(`machine: ${machine()}; load average ${load()} (${cpus().length} cores)`);
  console.log(`malloc: ${process.env.GLIBC_TUNABLES === MALLOC_TUNABLES ? "the worker's (GLIBC_TUNABLES=" + MALLOC_TUNABLES + ")" : `GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? "unset (glibc defaults)"}`}`);
  console.log(`date: ${new Date().toISOString()}; ${N.toLocaleString("en")} bars, median of ${ROUNDS}`);
  const params = { fast: 10, slow: 30 };

  const creations: number[] = [];
  for (let i = 0; i < 21; i++) {
    const started = performance.now();
    const isolate = new ivm.Isolate({ memoryLimit: 128 });
    await isolate.createContext();
    creations.push(performance.now() - started);
    isolate.dispose();
  }
  console.log(`isolate + context creation: p50 ${median(creations.slice(1)).toFixed(2)} ms`);

  const reference = await plainNodeReference(makeBars(N), params);
  console.log(
    `reference, the vectorised strategy in plain Node (no sandbox, no data in or out): first run ${reference.firstMs.toFixed(1)} ms = ${rate(reference.firstMs)}; ` +
      `warm (runs 11-30) p50 ${reference.warmMs.toFixed(1)} ms = ${rate(reference.warmMs)}, best ${reference.bestMs.toFixed(1)} ms = ${rate(reference.bestMs)}`,
  );

  const js: [string, string, BarsIn][] = [
    ["JS vectorised, bars shared (as loaded)", JS_VECTORISED, "shared"],
    ["JS vectorised, plain bars moved in", JS_VECTORISED, "moved"],
    ["JS vectorised, plain bars copied in", JS_VECTORISED, "copied"],
    ["JS bar by bar, bars shared (as loaded)", JS_BAR_BY_BAR, "shared"],
    ["JS bar by bar, plain bars moved in", JS_BAR_BY_BAR, "moved"],
  ];
  for (const [label, code, barsIn] of js) {
    const m = await measure({ language: "javascript", code, params, transferBars: barsIn === "moved", limits: { memoryMb: 256 } }, barsIn);
    const t = m.timings!;
    console.log(
      `${label}: whole job ${m.totalMs.toFixed(1)} ms = ${rate(m.totalMs)}; in-isolate run ${t.runMs.toFixed(1)} ms = ${rate(t.runMs)} ` +
        `(isolate ${t.isolateMs.toFixed(1)} ms, data in ${t.dataInMs.toFixed(1)} ms, compile ${t.compileMs.toFixed(1)} ms); ` +
        `isolate CPU ${t.cpuMs.toFixed(1)} ms = ${rate(t.cpuMs)} per CPU-second`,
    );
  }

  const empty = await measure({ language: "python", code: PY_EMPTY, params }, "shared");
  const numpy = await measure({ language: "python", code: PY_NUMPY, params }, "shared");
  const t = numpy.timings!;
  console.log(
    `Python numpy: whole job ${numpy.totalMs.toFixed(1)} ms = ${rate(numpy.totalMs)}; empty job (sandbox, interpreter, numpy import, data in/out) ` +
      `${empty.totalMs.toFixed(1)} ms; strategy run inside ${t.runMs.toFixed(1)} ms = ${rate(t.runMs)}, its CPU ${t.runCpuMs.toFixed(1)} ms = ` +
      `${rate(t.runCpuMs)} per CPU-second; whole process CPU ${t.cpuMs.toFixed(1)} ms = ${rate(t.cpuMs)} per CPU-second`,
  );
  // The launcher starts the sandboxes (sandbox-launcher.ts): this process's size no longer matters.
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(`Python host side (Node: the launcher's messages, pipes, result): ${numpy.hostCpuMs.toFixed(1)} ms CPU per job (p50), at ${rssMb} MB resident`);
  console.log(`load average at the end: ${load()}`);
}
