/**
 * The one entry point of the strategy sandbox: user code + bars in, one target per bar out.
 * JavaScript and TypeScript run in a fresh isolated-vm isolate; Python under bubblewrap.
 * The bar loop always runs inside the sandbox: one call in, one result out, per job.
 */
import type { Bars } from "../engine/bars.js";
import { compileStrategy, type CompiledStrategy, type StrategyLanguage } from "./compile.js";
import { runJavaScript, type SandboxTimings } from "./js/run-javascript.js";
import { resolveLimits, type SandboxLimitsInput } from "./limits.js";
import { runPython, type PythonSandboxOptions } from "./python/run-python.js";
import { checkTargets } from "./targets.js";

export type { StrategyLanguage } from "./compile.js";
export { isolateHealth, type SandboxTimings } from "./js/run-javascript.js";

export interface StrategyRequest {
  language: StrategyLanguage;
  /** The strategy's source as the user submitted it. */
  code: string;
  /**
   * JavaScript/TypeScript already compiled by `compileStrategy` (e.g. in a parent process that
   * may start esbuild, when this one runs under Node's permission model without child
   * processes). Must come from the same `code`.
   */
  compiled?: CompiledStrategy;
  bars: Bars;
  /** Handed to the strategy as its `params`. */
  params: Record<string, number | string | boolean>;
  limits?: SandboxLimitsInput;
  /** Called with 0..1 as the bar loop advances (bar-by-bar strategies; vectorised ones jump to 1). */
  onProgress?: (fraction: number) => void;
  /** Aborting ends the job at once with SBX_CANCELLED (the isolate or the sandbox process is killed). */
  signal?: AbortSignal;
  /**
   * JavaScript: move the column buffers into the isolate instead of copying them. Zero-copy,
   * but the caller's columns are detached (length 0) afterwards: pass true only for bars
   * nobody reads again. Default false: each column is copied once (about 30-80 ms per
   * million bars on this machine, see bench/RESULTS.md).
   */
  transferBars?: boolean;
  /**
   * Called once the strategy succeeded with its warm-up: the most bars any indicator helper it
   * called (sma, ema, rsi, atr, bollinger's middle; crossover is never NaN) returned NaN before
   * its first value, as backtesting.py measures its indicators' warm-up; 0 when it called none.
   * The engine starts buy-and-hold there.
   */
  onWarmup?: (bars: number) => void;
  /** Where the job's time went (JavaScript), for logs and bench/backtest-sandbox.ts. */
  onTimings?: (timings: SandboxTimings) => void;
}

export interface RunStrategyOptions {
  /** Python sandbox settings (interpreter, bwrap path, uid); defaults in run-python.ts. */
  python?: PythonSandboxOptions;
}

/**
 * Runs a strategy over `bars` and returns `targets`: `targets[t]` is the position the strategy
 * wants after seeing bar t. NaN means hold (no change); the sign is the direction; the
 * magnitude is a fraction of equity (or units, with fixed sizing). Every value is NaN or finite.
 *
 * Throws (all `SandboxError`, a `BacktestError`): SYN_COMPILE / SYN_NO_ENTRY (with line),
 * RUN_THREW (with line) / RUN_BAD_RESULT, TIM_TIMEOUT / TIM_CPU / TIM_MEMORY,
 * SBX_REFUSED / SBX_OUTPUT_LIMIT / SBX_UNAVAILABLE / SBX_FAILED / SBX_CANCELLED.
 */
export async function runStrategy(request: StrategyRequest, options: RunStrategyOptions = {}): Promise<Float64Array> {
  const limits = resolveLimits(request.limits);
  const n = request.bars.time.length;
  let targets: Float64Array;
  if (request.language === "python") {
    targets = await runPython({ ...request, limits }, options.python);
  } else {
    const compiled = request.compiled ?? (await compileStrategy(request.language, request.code));
    targets = await runJavaScript({ ...request, compiled, limits });
  }
  checkTargets(targets, n);
  return targets;
}
