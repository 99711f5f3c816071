/**
 * Reads what the Python runner wrote on fd 3: an 8-byte little-endian header length, a JSON
 * header {outcome, message, line, timing, warmup}, then (outcome "ok") exactly one float64 per bar. Everything
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

/**
 * Collects fd 3 as it arrives: the length and header into a small buffer, the targets straight
 * into their own array (no joined copy of the whole result, no second copy to align it).
 */
export class ResultCollector {
  readonly targets: Float64Array;
  private readonly targetBytes: Uint8Array;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** -1 until the first 8 bytes are in. */
  private headerLength = -1;
  payloadBytes = 0;

  constructor(
    private readonly n: number,
    private readonly maxHeader: number,
  ) {
    this.targets = new Float64Array(n);
    this.targetBytes = new Uint8Array(this.targets.buffer);
  }

  get empty(): boolean {
    return this.headBytes === 0;
  }

  /** False once more arrived than a header of at most `maxHeader` bytes and n targets. */
  push(chunk: Buffer): boolean {
    let rest = chunk;
    while (rest.length > 0) {
      const headEnd = this.headerLength < 0 ? 8 : 8 + this.headerLength;
      if (this.headBytes < headEnd) {
        const take = rest.subarray(0, headEnd - this.headBytes);
        this.head.push(take);
        this.headBytes += take.length;
        rest = rest.subarray(take.length);
        if (this.headerLength < 0 && this.headBytes === 8) {
          const length = Buffer.concat(this.head).readBigUInt64LE(0);
          if (length > BigInt(this.maxHeader)) return false;
          this.headerLength = Number(length);
        }
        continue;
      }
      if (this.payloadBytes + rest.length > this.n * 8) return false;
      this.targetBytes.set(rest, this.payloadBytes);
      this.payloadBytes += rest.length;
      rest = rest.subarray(rest.length);
    }
    return true;
  }

  /** The header's JSON bytes, or undefined while it is incomplete. */
  header(): Buffer | undefined {
    if (this.headerLength < 0 || this.headBytes < 8 + this.headerLength) return undefined;
    return Buffer.concat(this.head).subarray(8);
  }
}

export function parsePythonResult(
  collected: ResultCollector,
  memoryMb: number,
  onTiming?: (timing: PythonTiming) => void,
  onWarmup?: (bars: number) => void,
): Float64Array {
  const n = collected.targets.length;
  const headerBytes = collected.header();
  if (headerBytes === undefined) throw new StrategyRuntimeError("the strategy's process ended without a complete result");
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(headerBytes.toString("utf8")));
  } catch (error) {
    throw new SandboxFailedError("the Python sandbox wrote a result header that does not parse", { cause: error });
  }
  const line = header.line ?? undefined;
  if (header.timing !== undefined) onTiming?.({ runMs: header.timing.run_ms, runCpuMs: header.timing.run_cpu_ms, cpuMs: header.timing.cpu_ms });
  switch (header.outcome) {
    case "ok": {
      if (collected.payloadBytes !== n * 8) {
        throw new StrategyResultError(`the strategy returned ${collected.payloadBytes / 8} targets for ${n} bars`);
      }
      onWarmup?.(header.warmup !== undefined && header.warmup < n ? header.warmup : 0);
      return collected.targets;
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
