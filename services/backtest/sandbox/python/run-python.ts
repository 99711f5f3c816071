/**
 * Runs one Python strategy under bubblewrap (see sandbox-command.ts for the fence). A header
 * (code, parameters, runner) goes in on stdin; then each bar column the strategy touches, when
 * it first touches it: the runner asks for it by index (one byte on fd 5) and gets its raw
 * float64 bytes on stdin straight from the column's memory. Moving bytes through a pipe costs
 * about 1 ms per MB here, so an SMA strategy reading only `close` starts 40 ms sooner than
 * with all six columns sent up front. The outcome and targets come back on fd 3, progress on fd 4. stdout/stderr are counted (past the limit: SBX_OUTPUT_LIMIT)
 * and only their tail is kept for diagnostics. The host kills the sandbox on the wall-clock
 * limit, on cancellation, and as soon as the result is in (threads or children left behind
 * never hold a job open). The sandbox is started by this process's launcher
 * (sandbox-launcher.ts), never by this process itself.
 */
import type { Readable, Writable } from "node:stream";
import { BAR_COLUMNS, type Bars } from "../../engine/bars.js";
import {
  CpuTimeLimitError,
  MemoryLimitError,
  OutputLimitError,
  SandboxCancelledError,
  StrategyResultError,
  StrategyRuntimeError,
  WallTimeLimitError,
} from "../errors.js";
import type { SandboxTimings } from "../js/run-javascript.js";
import type { SandboxLimits } from "../limits.js";
import { probePythonSandbox, type PythonSandboxOptions } from "./probe.js";
import { parsePythonResult, ResultCollector, type PythonTiming } from "./python-result.js";
import { pythonHeader } from "./runner-source.js";
import { buildSandboxCommand } from "./sandbox-command.js";
import { SandboxLauncher } from "./sandbox-launcher.js";

export type { PythonSandboxOptions } from "./probe.js";

export interface PythonJob {
  code: string;
  bars: Bars;
  params: Record<string, number | string | boolean>;
  limits: SandboxLimits;
  onProgress?: (fraction: number) => void;
  onWarmup?: (bars: number) => void;
  signal?: AbortSignal;
  onTimings?: (timings: SandboxTimings) => void;
}

/** Most bytes of result header accepted on fd 3 besides the targets. */
const RESULT_HEADER_MAX = 16 * 1024;

/** Starts every sandbox of this process (see sandbox-launcher.ts for why not from here). */
const launcher = new SandboxLauncher();

export async function runPython(job: PythonJob, options: PythonSandboxOptions = {}): Promise<Float64Array> {
  if (job.signal?.aborted) throw new SandboxCancelledError();
  const sandbox = await probePythonSandbox(options);
  const n = job.bars.time.length;
  const dataBytes = n * 8 * BAR_COLUMNS.length;
  const { command, args } = buildSandboxCommand(sandbox.runtime, job.limits, dataBytes, sandbox.command);
  const started = performance.now();
  // The launcher starts bwrap with an empty environment: its pid 1 inside keeps the one it got.
  const child = await launcher.spawn(command, args, { timeoutMs: job.limits.timeoutMs, signal: job.signal });
  return new Promise<Float64Array>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, targets?: Float64Array) => {
      if (settled) return;
      settled = true;
      clearTimeout(wallTimer);
      job.signal?.removeEventListener("abort", onAbort);
      // bwrap runs with --die-with-parent: killing it takes the whole sandbox (its pid namespace) down.
      child.kill();
      if (error !== undefined) reject(error);
      else resolve(targets!);
    };
    const wallTimer = setTimeout(() => settle(new WallTimeLimitError(job.limits.timeoutMs)), job.limits.timeoutMs - (performance.now() - started));
    const onAbort = () => settle(new SandboxCancelledError());
    job.signal?.addEventListener("abort", onAbort, { once: true });

    let output = 0;
    let tail = "";
    const onOutput = (chunk: Buffer) => {
      output += chunk.length;
      tail = (tail + chunk.toString("utf8")).slice(-2000);
      if (output > job.limits.outputBytes) settle(new OutputLimitError(job.limits.outputBytes));
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);

    const collected = new ResultCollector(n, RESULT_HEADER_MAX);
    const results = child.stdio[3]!;
    results.on("data", (chunk: Buffer) => {
      if (!settled && !collected.push(chunk)) settle(new StrategyResultError(`the strategy's result is larger than ${n} targets`));
    });
    // The result counts once fd 3 has ended and the progress pipe has too (the runner closes it
    // first), so every progress report is delivered before the job settles; a strategy that
    // keeps fd 4 open gets 100 ms of grace, no more.
    let result: (() => void) | undefined;
    let progressEnded = false;
    results.on("end", () => {
      if (settled || collected.empty) return;
      result = () => {
        try {
          const onTiming = (t: PythonTiming) => job.onTimings?.({ isolateMs: 0, dataInMs: 0, compileMs: 0, ...t });
          settle(undefined, parsePythonResult(collected, job.limits.memoryMb, onTiming, job.onWarmup));
        } catch (error) {
          settle(error as Error);
        }
      };
      if (progressEnded) result();
      else setTimeout(result, 100);
    });
    let progressText = "";
    const progress = child.stdio[4]!;
    progress.on("data", (chunk: Buffer) => {
      progressText = (progressText + chunk.toString("latin1")).slice(-64);
      const done = Number(/(\d+)\n$/.exec(progressText)?.[1]);
      if (Number.isFinite(done) && n > 0 && !settled) job.onProgress?.(Math.min(1, done / n));
    });
    progress.on("end", () => {
      progressEnded = true;
      result?.();
    });

    // The launcher died mid-job, and the sandbox with it.
    child.on("error", (error: Error) => settle(error));
    child.on("close", (code, signal) => {
      if (settled) return;
      // fd 3 may still be draining: give its "end" the first chance to deliver the result.
      setImmediate(() => settle(exitError(code, signal, job.limits, performance.now() - started, tail)));
    });
    writeHeader(child.stdin, job, n);
    serveColumns(child.stdio[5]!, child.stdin, job.bars, n);
  });
}

/** The header: its length (8 bytes, little-endian), then its JSON. */
function writeHeader(stdin: Writable, job: PythonJob, n: number): void {
  // The sandbox may die before reading everything (a syntax error, a limit): not an error here.
  stdin.on("error", () => {});
  const header = Buffer.from(JSON.stringify(pythonHeader({ n, columns: BAR_COLUMNS, params: job.params, code: job.code })));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  stdin.write(length);
  stdin.write(header);
}

/**
 * Answers the runner's column requests: each byte read on fd 5 is a column's index in
 * BAR_COLUMNS; the column's bytes go to stdin straight from its memory (no copy on the host).
 * Each column is sent at most once and anything else is ignored, so code in the sandbox that
 * writes to fd 5 itself gets at most the bars it already had access to. Once every column is
 * out, stdin ends.
 */
function serveColumns(requests: Readable, stdin: Writable, bars: Bars, n: number): void {
  const sent = new Set<number>();
  requests.on("error", () => {});
  requests.on("data", (chunk: Buffer) => {
    for (const index of chunk) {
      const name = BAR_COLUMNS[index];
      if (name === undefined || sent.has(index) || stdin.destroyed) continue;
      sent.add(index);
      const column = bars[name];
      stdin.write(Buffer.from(column.buffer, column.byteOffset, n * 8));
      if (sent.size === BAR_COLUMNS.length) stdin.end();
    }
  });
}

function exitError(code: number | null, signal: NodeJS.Signals | null, limits: SandboxLimits, elapsedMs: number, tail: string): Error {
  // bwrap reports a child killed by signal s as exit status 128 + s.
  const sig = signal ?? (code !== null && code > 128 ? signalName(code - 128) : undefined);
  if (sig === "SIGXCPU") return new CpuTimeLimitError(limits.cpuMs);
  if (sig === "SIGKILL") return elapsedMs >= limits.cpuMs ? new CpuTimeLimitError(limits.cpuMs) : new MemoryLimitError(limits.memoryMb);
  const last = tail.trim().split("\n").slice(-3).join(" | ").slice(0, 500);
  if (sig !== undefined) return new StrategyRuntimeError(`the strategy's process was killed by ${sig}${last ? `: ${last}` : ""}`);
  return new StrategyRuntimeError(`the strategy's process exited (code ${code}) without a result${last ? `: ${last}` : ""}`);
}

function signalName(n: number): NodeJS.Signals | undefined {
  const names: Record<number, NodeJS.Signals> = { 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ" };
  return names[n];
}
