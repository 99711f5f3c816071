/**
 * Errors of the strategy sandbox. Each code is stable and names the stage that failed:
 * SYN (the strategy does not compile or has no entry point), RUN (it threw, or returned
 * something that is not a target array), TIM (a time, CPU, memory or output limit), SBX (the
 * sandbox refused something, or cannot run at all). SYN and RUN carry the strategy's line.
 */
import { BacktestError } from "../errors.js";

/** Base of the sandbox errors; `line` is 1-based in the code the user submitted, when known. */
export class SandboxError extends BacktestError {
  constructor(
    code: string,
    message: string,
    readonly line?: number,
    options?: ErrorOptions,
  ) {
    super(code, line === undefined ? message : `line ${line}: ${message}`, options);
  }
}

/** The strategy does not parse or transpile (JavaScript, TypeScript or Python). */
export class StrategySyntaxError extends SandboxError {
  constructor(message: string, line?: number) {
    super("SYN_COMPILE", message, line);
  }
}

/** The module compiles but exports neither `signals` nor `next` (Python: defines neither). */
export class StrategyEntryError extends SandboxError {
  constructor(message: string) {
    super("SYN_NO_ENTRY", message);
  }
}

/** The strategy threw (or Python raised) while running; the message is the exception's. */
export class StrategyRuntimeError extends SandboxError {
  constructor(message: string, line?: number) {
    super("RUN_THREW", message, line);
  }
}

/** The strategy returned something that is not one number per bar. */
export class StrategyResultError extends SandboxError {
  constructor(message: string) {
    super("RUN_BAD_RESULT", message);
  }
}

/** The job ran past its wall-clock limit. */
export class WallTimeLimitError extends SandboxError {
  constructor(limitMs: number) {
    super("TIM_TIMEOUT", `the strategy ran longer than the ${limitMs} ms limit`);
  }
}

/** The job used more CPU time than allowed. */
export class CpuTimeLimitError extends SandboxError {
  constructor(limitMs: number) {
    super("TIM_CPU", `the strategy used more than ${limitMs} ms of CPU time`);
  }
}

/** The job allocated past its memory limit. */
export class MemoryLimitError extends SandboxError {
  constructor(limitMb: number) {
    super("TIM_MEMORY", `the strategy went over its ${limitMb} MB memory limit`);
  }
}

/** The job printed more than the sandbox keeps (Python stdout/stderr). */
export class OutputLimitError extends SandboxError {
  constructor(limitBytes: number) {
    super("SBX_OUTPUT_LIMIT", `the strategy wrote more than ${limitBytes} bytes of output`);
  }
}

/** The strategy asked for something the sandbox does not provide (an import, a module). */
export class SandboxRefusedError extends SandboxError {
  constructor(message: string, line?: number) {
    super("SBX_REFUSED", message, line);
  }
}

/**
 * The sandbox cannot run here (no user namespaces for bubblewrap, no bwrap, no interpreter).
 * Jobs are refused rather than run unsandboxed; the message says what is missing.
 */
export class SandboxUnavailableError extends SandboxError {
  constructor(message: string) {
    super("SBX_UNAVAILABLE", message);
  }
}

/** The sandbox process itself failed (crashed, broke the result protocol): not the strategy's fault. */
export class SandboxFailedError extends SandboxError {
  override readonly internal = true;

  constructor(message: string, options?: ErrorOptions) {
    super("SBX_FAILED", message, undefined, options);
  }
}

/** The job was cancelled through its AbortSignal. */
export class SandboxCancelledError extends SandboxError {
  constructor() {
    super("SBX_CANCELLED", "the job was cancelled");
  }
}
