/** Python strategies under bubblewrap (in progress: refuses every job until the sandbox lands). */
import { SandboxUnavailableError } from "../errors.js";
import type { SandboxLimits } from "../limits.js";
import type { Bars } from "../../engine/bars.js";

export interface PythonSandboxOptions {
  /** Interpreter inside the sandbox; default `python3` resolved on PATH. */
  python?: string;
}

export interface PythonJob {
  code: string;
  bars: Bars;
  params: Record<string, number | string | boolean>;
  limits: SandboxLimits;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function runPython(_job: PythonJob, _options?: PythonSandboxOptions): Promise<Float64Array> {
  throw new SandboxUnavailableError("the Python sandbox is not built yet");
}
