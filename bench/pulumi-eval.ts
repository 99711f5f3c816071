/**
 * `npm run bench -- pulumi`: how long the Pulumi program takes to evaluate each stack file under
 * mocks (no engine, no providers): config parsing, the target's whole resource graph, and every
 * registration settled. Target: prod < 3 s.
 *
 * Each stack runs in a fresh `node --import tsx` process, as `pulumi up` starts the program, and
 * is measured twice: cold (the first evaluation, module loading included, reported separately)
 * and warm (the median of further evaluations in the same process). Prod builds the real
 * QuantConnect Lambda bundle with esbuild, as the program does.
 *
 * Most of the time is Pulumi capturing a stack trace for every resource and output property,
 * which tsx's source maps make dearer; the program turns them off (infra/runtime-settings.ts),
 * and so does this bench; QUANTMIND_SOURCE_MAPS=on measures with them on.
 *
 *   BENCH_PULUMI_RUNS=5 [QUANTMIND_SOURCE_MAPS=on] npm run bench -- pulumi
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { installPulumiMocks, settled } from "../test/helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../test/helpers/stack-files.js";
import { machine } from "./lib/stats.js";

const STACKS = ["dev", "testnet", "prod"] as const;
type Stack = (typeof STACKS)[number];

interface StackTiming {
  stack: Stack;
  resources: number;
  /** Loading the program's modules (Pulumi SDK, providers, the program) in a fresh process. */
  importMs: number;
  /** The first evaluation: config, targets' resource graph, registrations settled. */
  coldMs: number;
  /** Median of the later evaluations in the same process. */
  warmMs: number;
  /** CPU time of the median warm evaluation: steadier than wall time on a shared machine. */
  warmCpuMs: number;
}

/** One evaluation of `stack`: returns the resource count and the wall and CPU time it took. */
async function evaluate(stack: Stack, sshKeyDir: string): Promise<{ resources: number; ms: number; cpuMs: number }> {
  const { config, secretKeys } = operatorStackConfig(stack);
  const run = await installPulumiMocks(stack, config, secretKeys);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { loadStackConfig, loadStackSecrets } = await import("../stacks/load.js");
  const { createAwsTarget } = await import("../infra/targets/aws.js");
  const { createLocalTarget } = await import("../infra/targets/local.js");
  const { createVpsTarget } = await import("../infra/targets/vps.js");
  const parsed = loadStackConfig();
  const secrets = loadStackSecrets(parsed);
  if (parsed.target === "local") createLocalTarget(parsed, secrets);
  else if (parsed.target === "vps") createVpsTarget(parsed, secrets, { sshKeyDir });
  else createAwsTarget(parsed, secrets);
  await settled(run);
  const used = process.cpuUsage(cpu);
  return { resources: run.resources.length, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function child(stack: Stack, runs: number): Promise<StackTiming> {
  const temp = await makeTempDir("qm-bench-pulumi-");
  try {
    const importStarted = performance.now();
    await Promise.all([import("../infra/targets/aws.js"), import("../infra/targets/local.js"), import("../infra/targets/vps.js"), import("../stacks/load.js")]);
    const importMs = performance.now() - importStarted;
    const cold = await evaluate(stack, temp.dir);
    const warm: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < runs; i++) warm.push(await evaluate(stack, temp.dir));
    warm.sort((a, b) => a.ms - b.ms);
    const median = warm[Math.floor(warm.length / 2)];
    return { stack, resources: cold.resources, importMs, coldMs: cold.ms, warmMs: median?.ms ?? Number.NaN, warmCpuMs: median?.cpuMs ?? Number.NaN };
  } finally {
    await temp.remove();
  }
}

export async function benchPulumiEval(): Promise<void> {
  const runs = Number(process.env.BENCH_PULUMI_RUNS ?? 5);
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const sourceMaps = process.env["QUANTMIND_SOURCE_MAPS"] === "on" ? "on (QUANTMIND_SOURCE_MAPS=on)" : "off (the program's setting)";
  console.log(`Pulumi program evaluation under mocks (fresh process per stack; warm = median of ${runs}; source maps ${sourceMaps})`);
  for (const stack of STACKS) {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", stack, String(runs)], { maxBuffer: 1 << 20 });
    const t = JSON.parse(stdout.trim().split("\n").pop()!) as StackTiming;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`${t.stack.padEnd(8)} ${String(t.resources).padStart(4)} resources  modules ${s(t.importMs)}  cold ${s(t.coldMs)}  warm ${s(t.warmMs)} (cpu ${s(t.warmCpuMs)})  cold+modules ${s(t.importMs + t.coldMs)}${t.stack === "prod" ? "  (target < 3 s)" : ""}`);
  }
}

if (process.argv[2] === "--child") {
  await import("../infra/runtime-settings.js");
  const timing = await child(process.argv[3] as Stack, Number(process.argv[4] ?? 5));
  process.stdout.write(`${JSON.stringify(timing)}\n`);
}
