/**
 * Reads what the Python runner wrote on fd 3: an 8-byte little-endian header length, a JSON
 * header {outcome, message, line}, then (outcome "ok") exactly one float64 per bar. Everything
 * here came from inside the sandbox, so every field is checked before it is believed.
 */
import { z } from "zod";
import {
  MemoryLimitError,
  SandboxFailedError,
  SandboxRefusedError,
  StrategyEntryError,
  StrategyResultError,
  StrategyRuntimeError,
  StrategySyntaxError,
} from "../errors.js";

const HeaderSchema = z.object({
  outcome: z.enum(["ok", "syntax", "threw", "no_entry", "bad_result", "refused", "memory"]),
  message: z.string().max(4000),
  line: z.number().int().positive().nullable(),
  timing: z.object({ run_ms: z.number(), run_cpu_ms: z.number(), cpu_ms: z.number() }).optional(),
  warmup: z.number().int().min(0).optional(),
});

/** CPU and run times the runner measured inside the sandbox (absent when the header lacks them). */
export interface PythonTiming {
  runMs: number;
  runCpuMs: number;
  cpuMs: number;
}

export function parsePythonResult(
  bytes: Buffer,
  n: number,
  memoryMb: number,
  onTiming?: (timing: PythonTiming) => void,
  onWarmup?: (bars: number) => void,
): Float64Array {
  if (bytes.length < 8) throw new StrategyRuntimeError("the strategy's process ended without a complete result");
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength > bytes.length - 8) throw new StrategyRuntimeError("the strategy's result was cut short");
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")));
  } catch (error) {
    throw new SandboxFailedError("the Python sandbox wrote a result header that does not parse", { cause: error });
  }
  const line = header.line ?? undefined;
  if (header.timing !== undefined) onTiming?.({ runMs: header.timing.run_ms, runCpuMs: header.timing.run_cpu_ms, cpuMs: header.timing.cpu_ms });
  const payload = bytes.subarray(8 + headerLength);
  switch (header.outcome) {
    case "ok": {
      if (payload.length !== n * 8) {
        throw new StrategyResultError(`the strategy returned ${payload.length / 8} targets for ${n} bars`);
      }
      // The runner pads its header so the payload is 8-byte aligned in a buffer of its own (large
      // results): view it in place. Otherwise (small results in Node's shared pool) copy it.
      const aligned = payload.byteOffset % 8 === 0 && payload.buffer.byteLength < 2 * payload.length + 4096;
      const targets = aligned ? new Float64Array(payload.buffer, payload.byteOffset, n) : new Float64Array(n);
      if (!aligned) new Uint8Array(targets.buffer).set(payload);
      onWarmup?.(header.warmup !== undefined && header.warmup < n ? header.warmup : 0);
      return targets;
    }
    case "syntax":
      throw new StrategySyntaxError(header.message, line);
    case "threw":
      throw new StrategyRuntimeError(header.message, line);
    case "no_entry":
      throw new StrategyEntryError(header.message);
    case "bad_result":
      throw new StrategyResultError(header.message);
    case "refused":
      throw new SandboxRefusedError(header.message, line);
    case "memory":
      throw new MemoryLimitError(memoryMb);
  }
}
