/**
 * Per-job limits of the strategy sandbox, validated at the edge (the service passes what the
 * job asked for, clamped by its own maxima). Every default is documented on its field.
 */
import { z } from "zod";

export const SandboxLimitsSchema = z
  .object({
    /** Wall-clock limit for the whole job (compile, data in, run, result out); default 60 s. */
    timeoutMs: z.number().int().min(10).max(3_600_000).default(60_000),
    /** CPU-time limit; default: the wall-clock limit. Checked every `cpuCheckMs` in JavaScript, by RLIMIT_CPU (whole seconds) in Python. */
    cpuMs: z.number().int().min(10).max(3_600_000).optional(),
    /**
     * Memory: the isolate's heap limit in JavaScript (the bar columns and the result live
     * outside it), the address-space limit in Python (interpreter and numpy included, so keep
     * it >= 256). Default 512 MB.
     */
    memoryMb: z.number().int().min(16).max(16_384).default(512),
    /** Python: bytes of stdout + stderr kept; more ends the job with SBX_OUTPUT_LIMIT. Default 64 KiB. */
    outputBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
    /** Python: RLIMIT_NPROC inside the sandbox's user namespace (threads count). Default 16. */
    processes: z.number().int().min(1).max(1024).default(16),
    /** Python: RLIMIT_NOFILE. Default 64. */
    openFiles: z.number().int().min(8).max(4096).default(64),
    /** JavaScript: how often the host samples the isolate's CPU time; default 20 ms. */
    cpuCheckMs: z.number().int().min(1).max(1000).default(20),
  })
  .strict();

export type SandboxLimitsInput = z.input<typeof SandboxLimitsSchema>;
export type SandboxLimits = z.output<typeof SandboxLimitsSchema> & { cpuMs: number };

/** Parses limits (throws a ZodError naming the field) and fills `cpuMs` from `timeoutMs`. */
export function resolveLimits(input: SandboxLimitsInput | undefined): SandboxLimits {
  const parsed = SandboxLimitsSchema.parse(input ?? {});
  return { ...parsed, cpuMs: parsed.cpuMs ?? parsed.timeoutMs };
}
