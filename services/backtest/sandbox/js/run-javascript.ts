/**
 * Runs a compiled JavaScript/TypeScript strategy in a fresh isolated-vm isolate: the bar
 * columns go in as memory, never proxied (shared, moved or copied: see collectBuffers), the
 * targets come back as a copy of the runner's own Float64Array, the status through a
 * SharedArrayBuffer the host allocated, and the isolate is disposed after every job. Limits:
 * the isolate's heap limit, V8's own timeout, and a host watchdog that samples
 * `isolate.cpuTime` and disposes the isolate past the CPU or wall-clock limit, since a script
 * can stall in places V8's timeout does not cover.
 */
import type IsolatedVm from "isolated-vm";

type Ivm = typeof IsolatedVm;
let loadedIvm: Promise<Ivm> | undefined;

/**
 * isolated-vm is a native addon built against one exact Node (it uses V8's C++ API, not
 * Node-API): load it when the first JavaScript strategy runs, so every other command of the CLI
 * (kb, qc, backup, agent) starts without it.
 */
function loadIvm(): Promise<Ivm> {
  loadedIvm ??= import("isolated-vm").then((module) => (module as unknown as { default: Ivm }).default ?? (module as unknown as Ivm));
  return loadedIvm;
}
import { BAR_COLUMNS, type Bars } from "../../engine/bars.js";
import type { CompiledStrategy } from "../compile.js";
import {
  CpuTimeLimitError,
  MemoryLimitError,
  SandboxCancelledError,
  SandboxFailedError,
  SandboxRefusedError,
  StrategyEntryError,
  StrategyResultError,
  StrategyRuntimeError,
  StrategySyntaxError,
  WallTimeLimitError,
} from "../errors.js";
import type { SandboxLimits } from "../limits.js";
import { buildRunnerScript, JOB_GLOBALS, OUTCOME, STATUS, STATUS_BYTES } from "./runner-source.js";
import { strategyLine } from "./strategy-line.js";

export interface JavaScriptJob {
  compiled: CompiledStrategy;
  bars: Bars;
  params: Record<string, number | string | boolean>;
  limits: SandboxLimits;
  onProgress?: (fraction: number) => void;
  onWarmup?: (bars: number) => void;
  signal?: AbortSignal;
  transferBars?: boolean;
  onTimings?: (timings: SandboxTimings) => void;
}

/**
 * Where one job's time went, in milliseconds. JavaScript fills every field; Python fills
 * `runMs` and the CPU times (measured inside the sandbox) and leaves the phases at 0.
 */
export interface SandboxTimings {
  /** New isolate and context. */
  isolateMs: number;
  /** Columns copied (unless transferred) and moved in, parameters and result buffers set. */
  dataInMs: number;
  /** Compiling the runner and the strategy. */
  compileMs: number;
  /** Wall time of the strategy and its whole bar loop, inside the sandbox. */
  runMs: number;
  /** CPU time the sandbox used in all (isolate: compile + run; Python: the whole process). */
  cpuMs: number;
  /** Python: CPU time of the strategy and its bar loop alone (JavaScript: 0). */
  runCpuMs: number;
}

type Stop = "cpu" | "wall" | "abort" | "memory";

/** How long a disposed isolate's last call may take to return before it counts as stranded. */
const STRANDED_AFTER_MS = 2_000;
const health = { stranded: 0, catastrophic: 0 };

/**
 * Isolates this process could not get back, and whether it should be restarted. Two things
 * leave a thread behind that nothing inside the process can reclaim:
 * - stranded: isolated-vm copies an unhandled rejection's value after the script's time limit;
 *   a value whose property reads never return (a Proxy trap, an accessor on an Error) keeps
 *   that thread spinning even after `dispose()`;
 * - catastrophic: one allocation V8 cannot satisfy (`new Array(1e8)` against a small limit) is
 *   a fatal V8 out-of-memory; isolated-vm parks that thread (and its heap) instead of aborting
 *   the process, because `onCatastrophicError` is set.
 * The job itself ends with a TIM_ code either way. A worker seeing `needsRestart` should finish
 * its reply and exit, to be restarted by its supervisor.
 */
export function isolateHealth(): { stranded: number; catastrophic: number; needsRestart: boolean } {
  return { ...health, needsRestart: health.stranded + health.catastrophic > 0 };
}

export async function runJavaScript(job: JavaScriptJob): Promise<Float64Array> {
  const started = performance.now();
  const n = job.bars.time.length;
  const { limits } = job;
  if (job.signal?.aborted) throw new SandboxCancelledError();
  const timings: SandboxTimings = { isolateMs: 0, dataInMs: 0, compileMs: 0, runMs: 0, cpuMs: 0, runCpuMs: 0 };
  let lap = performance.now();
  const phase = (name: "isolateMs" | "dataInMs" | "compileMs" | "runMs") => {
    const now = performance.now();
    timings[name] += now - lap;
    lap = now;
  };
  const moved = collectBuffers(job.bars, job.transferBars === true);
  phase("dataInMs");
  const dataMb = Math.ceil((moved.bytes + n * 8 + STATUS_BYTES) / 2 ** 20);
  // The columns and the result count against the isolate's limit; the user's budget is on top.
  let stop: Stop | undefined;
  const ivm = await loadIvm();
  const isolate = new ivm.Isolate({
    memoryLimit: limits.memoryMb + dataMb,
    onCatastrophicError: () => {
      health.catastrophic++;
      halt("memory");
    },
  });
  let rejectStop: (error: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (rejectStop = reject));
  const halt = (why: Stop) => {
    if (stop !== undefined) return;
    stop = why;
    if (!isolate.isDisposed) isolate.dispose();
    rejectStop(stopError(why, limits));
  };
  let targets: unknown;
  const statusBuffer = new SharedArrayBuffer(STATUS_BYTES);
  const status = new Float64Array(statusBuffer, 0, 8);
  let reported = -1;
  const watchdog = setInterval(() => {
    if (isolate.isDisposed) return;
    if (Number(isolate.cpuTime) / 1e6 > limits.cpuMs) halt("cpu");
    else if (performance.now() - started > limits.timeoutMs) halt("wall");
    const done = status[STATUS.done]!;
    if (job.onProgress !== undefined && done !== reported && n > 0) {
      reported = done;
      job.onProgress(done / n);
    }
  }, limits.cpuCheckMs);
  const wallTimer = setTimeout(() => halt("wall"), limits.timeoutMs);
  const onAbort = () => halt("abort");
  job.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const work = (async () => {
      const context = await isolate.createContext();
      phase("isolateMs");
      const global = context.global;
      for (const [i, buffer] of moved.buffers.entries()) {
        // A SharedArrayBuffer is shared, not copied; an ArrayBuffer moves in, detached here.
        const handOver = buffer instanceof SharedArrayBuffer ? new ivm.ExternalCopy(buffer) : new ivm.ExternalCopy(buffer, { transferOut: true });
        await global.set(`${JOB_GLOBALS.bufferPrefix}${i}`, handOver.copyInto({ release: true, transferIn: !(buffer instanceof SharedArrayBuffer) }));
      }
      const meta = { n, buffers: moved.buffers.length, columns: moved.columns, params: { ...job.params } };
      await global.set(JOB_GLOBALS.meta, new ivm.ExternalCopy(meta).copyInto({ release: true }));
      await global.set(JOB_GLOBALS.status, new ivm.ExternalCopy(statusBuffer).copyInto({ release: true }));
      phase("dataInMs");
      let script: IsolatedVm.Script;
      try {
        script = await isolate.compileScript(buildRunnerScript(job.compiled.js), { filename: "strategy.js" });
      } catch (error) {
        if (stop !== undefined) throw error;
        throw new StrategySyntaxError(messageOf(error), strategyLine(messageOf(error), job.compiled));
      }
      phase("compileMs");
      const remaining = Math.max(1, Math.ceil(limits.timeoutMs - (performance.now() - started)));
      // The runner's array crosses once: copied out of the isolate, then moved into this one.
      const result = await script.run(context, { timeout: remaining, release: true, externalCopy: true });
      targets = (result as IsolatedVm.ExternalCopy<unknown> | undefined)?.copy({ transferIn: true });
      phase("runMs");
      timings.cpuMs = Number(isolate.cpuTime) / 1e6;
    })();
    await Promise.race([work, stopped]).catch((error: unknown) => {
      if (stop !== undefined) {
        watchStranded(work);
        throw stopError(stop, limits);
      }
      throw mapIsolateError(error, limits);
    });
    job.onProgress?.(1);
    job.onTimings?.(timings);
    const checked = readOutcome(targets, n, statusBuffer, job.compiled);
    // Written by the runner's own closure, but checked like everything from the isolate.
    const warmup = status[STATUS.warmup]!;
    job.onWarmup?.(Number.isInteger(warmup) && warmup >= 0 && warmup < n ? warmup : 0);
    return checked;
  } finally {
    clearInterval(watchdog);
    clearTimeout(wallTimer);
    job.signal?.removeEventListener("abort", onAbort);
    if (!isolate.isDisposed) isolate.dispose();
  }
}

function watchStranded(work: Promise<void>): void {
  let settled = false;
  const mark = () => (settled = true);
  work.then(mark, mark);
  setTimeout(() => {
    if (!settled) health.stranded++;
  }, STRANDED_AFTER_MS).unref();
}

interface MovedBars {
  buffers: (ArrayBuffer | SharedArrayBuffer)[];
  /** `shared`: the buffer is the host's own memory; the runner copies the column before use. */
  columns: { name: string; buffer: number; byteOffset: number; shared: boolean }[];
  /** Bytes the isolate's limit must allow beyond the strategy's budget: buffers handed over, copies of shared columns. */
  bytes: number;
}

/**
 * The buffers to hand over. Columns in a SharedArrayBuffer (as loaded bars are: engine/bars.ts)
 * are shared as they are, and the runner copies a column into the isolate's own memory the first
 * time the strategy reads it, so the host's bars are never writable inside and the columns a
 * strategy never reads cost nothing. Otherwise transferring hands over each column's whole
 * buffer once (columns may share one), detaching it; copying gives each column a fresh
 * exact-size buffer (one memcpy), so the caller's bars stay intact and nothing beyond them is
 * exposed.
 */
function collectBuffers(bars: Bars, transfer: boolean): MovedBars {
  const n = bars.time.length;
  const moved: MovedBars = { buffers: [], columns: [], bytes: 0 };
  const indexOf = (buffer: ArrayBuffer | SharedArrayBuffer) => {
    const index = moved.buffers.indexOf(buffer);
    return index >= 0 ? index : moved.buffers.push(buffer) - 1;
  };
  for (const name of BAR_COLUMNS) {
    const column = bars[name];
    if (column.length !== n) throw new StrategyResultError(`column ${name} has ${column.length} values, time has ${n}`);
    if (column.buffer instanceof SharedArrayBuffer) {
      // The isolate counts all of a shared buffer against its limit, though the host allocated it.
      if (!moved.buffers.includes(column.buffer)) moved.bytes += column.buffer.byteLength;
      moved.columns.push({ name, buffer: indexOf(column.buffer), byteOffset: column.byteOffset, shared: true });
      moved.bytes += column.byteLength;
    } else if (transfer) {
      const known = moved.buffers.includes(column.buffer);
      moved.columns.push({ name, buffer: indexOf(column.buffer), byteOffset: column.byteOffset, shared: false });
      if (!known) moved.bytes += column.buffer.byteLength;
    } else {
      moved.columns.push({ name, buffer: moved.buffers.push(column.slice().buffer) - 1, byteOffset: 0, shared: false });
      moved.bytes += column.byteLength;
    }
  }
  return moved;
}

function readOutcome(targets: unknown, n: number, statusBuffer: SharedArrayBuffer, compiled: CompiledStrategy): Float64Array {
  const status = new Float64Array(statusBuffer, 0, 8);
  const text = new Uint16Array(statusBuffer, STATUS.messageOffset);
  const message = cleanText(text.subarray(0, status[STATUS.messageLength]));
  const stack = cleanText(text.subarray(STATUS.messageChars, STATUS.messageChars + status[STATUS.stackLength]!));
  switch (status[STATUS.outcome]) {
    case OUTCOME.ok:
      if (!(targets instanceof Float64Array) || targets.length !== n) throw new SandboxFailedError("the isolate reported success without its targets");
      return targets;
    case OUTCOME.threw:
      throw new StrategyRuntimeError(message, strategyLine(stack, compiled));
    case OUTCOME.noEntry:
      throw new StrategyEntryError(message);
    case OUTCOME.badResult:
      throw new StrategyResultError(message);
    case OUTCOME.refused:
      throw new SandboxRefusedError(message, strategyLine(stack, compiled));
    default:
      throw new SandboxFailedError("the isolate finished without reporting an outcome");
  }
}

/** Text the strategy controlled: printable characters only. */
function cleanText(codes: Uint16Array): string {
  // eslint-disable-next-line no-control-regex
  return String.fromCharCode(...codes).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?");
}

function stopError(why: Stop, limits: SandboxLimits): Error {
  if (why === "cpu") return new CpuTimeLimitError(limits.cpuMs);
  if (why === "wall") return new WallTimeLimitError(limits.timeoutMs);
  if (why === "memory") return new MemoryLimitError(limits.memoryMb);
  return new SandboxCancelledError();
}

/**
 * Errors out of `script.run`. The runner catches everything the strategy throws, so what is
 * left is a limit, or an unhandled promise rejection the strategy left behind (isolated-vm
 * reports those after the script), e.g. an `import()` built with `new Function`.
 */
function mapIsolateError(error: unknown, limits: SandboxLimits): Error {
  if (error instanceof SandboxFailedError || error instanceof StrategySyntaxError) return error;
  const message = messageOf(error);
  if (/memory limit/i.test(message)) return new MemoryLimitError(limits.memoryMb);
  if (/timed out/i.test(message)) return new WallTimeLimitError(limits.timeoutMs);
  if (message === "Not supported") return new SandboxRefusedError("import() is not available in the sandbox");
  // A module refused inside a promise chain (an import() the strategy did not wait for).
  if (message.includes("is not available in the sandbox")) return new SandboxRefusedError(message.slice(0, 500));
  if (error instanceof Error && !/isolate/i.test(message)) {
    return new StrategyRuntimeError(`unhandled promise rejection: ${message.slice(0, 500)}`);
  }
  return new SandboxFailedError(`isolate failed: ${message}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
