/**
 * `npm run bench -- backtest-engine`: the backtest engine alone (no sandbox) on 1,000,000
 * synthetic daily-spaced bars (a seeded random walk), with SMA(10)/SMA(30) crossover targets
 * computed beforehand. Reports the fill pass alone and fills + drawdown + statistics
 * (`runEngine`), best and median of several runs after a warm-up, in bars per second, by
 * wall clock and by this process's CPU time.
 * BENCH_BARS and BENCH_RUNS override the size and the repetitions.
 */
import { parseBacktestConfig } from "../services/backtest/config.js";
import { allocateBars, type Bars } from "../services/backtest/engine/bars.js";
import { fillPass } from "../services/backtest/engine/fill-pass.js";
import { runEngine } from "../services/backtest/engine/run-engine.js";
import { machine } from "./lib/stats.js";

/** A seeded random walk (mulberry32), one bar per day from 2000-01-01. */
export function syntheticBars(n: number, seed = 42): Bars {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bars = allocateBars(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.5) * 0.04));
    bars.time[i] = Date.UTC(2000, 0, 1) + i * 86_400_000;
    bars.open[i] = open;
    bars.close[i] = price;
    bars.high[i] = Math.max(open, price) * (1 + random() * 0.01);
    bars.low[i] = Math.min(open, price) * (1 - random() * 0.01);
    bars.volume[i] = 1000 + Math.floor(random() * 1000);
  }
  return bars;
}

/** SMA(fast)/SMA(slow) crossover targets with running sums (+1 up, -1 down, NaN otherwise). */
export function crossoverTargets(close: Float64Array, fast: number, slow: number): Float64Array {
  const n = close.length;
  const targets = new Float64Array(n).fill(Number.NaN);
  let sumFast = 0;
  let sumSlow = 0;
  let prevDiff = Number.NaN;
  for (let i = 0; i < n; i++) {
    sumFast += close[i]! - (i >= fast ? close[i - fast]! : 0);
    sumSlow += close[i]! - (i >= slow ? close[i - slow]! : 0);
    const diff = i >= slow - 1 ? sumFast / fast - sumSlow / slow : Number.NaN;
    if (prevDiff < 0 && diff > 0) targets[i] = 1;
    else if (prevDiff > 0 && diff < 0) targets[i] = -1;
    prevDiff = diff;
  }
  return targets;
}

/**
 * Runs `fn` after two warm-up calls (so the JIT has compiled the loop) and reports the best and
 * median of `runs`, in wall time and in CPU time (this process's user + system): on a shared
 * machine the wall time also counts other sessions' load, the CPU time much less so.
 */
function measure(label: string, n: number, runs: number, fn: () => void): void {
  fn();
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e3);
  }
  const rate = (ms: number) => `${(n / ms / 1e3).toFixed(0)} M bars/s`;
  const line = (name: string, times: number[]) => {
    times.sort((a, b) => a - b);
    const best = times[0]!;
    const median = times[Math.floor(times.length / 2)]!;
    return `${name} best ${best.toFixed(2)} ms (${rate(best)}), median ${median.toFixed(2)} ms (${rate(median)})`;
  };
  console.log(`${label}:\n  ${line("wall", wall)}\n  ${line("cpu ", cpu)}`);
}

export async function benchBacktestEngine(): Promise<void> {
  const n = Number(process.env.BENCH_BARS ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const bars = syntheticBars(n);
  const targets = crossoverTargets(bars.close, 10, 30);
  // Fractional sizing keeps the account trading through a million random bars (whole units
  // would eventually price it out); costs on, so the fill path does its full arithmetic.
  const config = parseBacktestConfig({ commission: 0.001, slippage: 0.0005, sizing: { mode: "fraction_of_equity", fraction: 1 } });
  const { stats } = runEngine(bars, targets, config);
  console.log(`${n} bars, ${stats.trades} trades (SMA 10/30 crossover, long/short, 0.1% commission, 0.05% slippage)`);
  measure("fill pass", n, runs, () => fillPass(bars, targets, config));
  measure("runEngine (fills + drawdown + statistics + trade objects)", n, runs, () => runEngine(bars, targets, config));
  // The market's log returns are cached per close column; a new dataset pays them once (and the copy here).
  measure("runEngine on a fresh copy of the close column", n, runs, () => runEngine({ ...bars, close: bars.close.slice() }, targets, config));
  const flat = new Float64Array(n).fill(Number.NaN);
  measure("fill pass, no trades", n, runs, () => fillPass(bars, flat, config));
  measure("runEngine, no trades", n, runs, () => runEngine(bars, flat, config));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBacktestEngine();
