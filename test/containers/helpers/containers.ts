/**
 * Container lifecycle and what the tests observe of a running container: its state and health,
 * the engine's record of its hardening, and the kernel's view from inside (/proc/1/status, the
 * cgroup limits).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TMPFS_OPTIONS, type ContainerHardening } from "../../../infra/hardening.js";
import { docker, type DockerOutput } from "./docker-cli.js";

interface HealthProbe {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak: number; Log: HealthProbe[] | null };
}

export async function createContainer(args: readonly string[]): Promise<void> {
  await docker(args);
}

export async function startContainer(name: string): Promise<void> {
  await docker(["start", name]);
}

export async function inspect<T>(name: string, format: string): Promise<T> {
  return JSON.parse((await docker(["inspect", "--format", `{{json ${format}}}`, name])).stdout) as T;
}

export async function containerLogs(name: string, tail = 40): Promise<string> {
  const { stdout, stderr } = await docker(["logs", "--tail", String(tail), name], { allowFailure: true });
  return `${stdout}${stderr}`.trim();
}

async function describeFailure(name: string, state: ContainerState): Promise<string> {
  const probes = (state.Health?.Log ?? []).map((p) => `  probe exit ${p.ExitCode}: ${p.Output.trim()}`).join("\n");
  return `${probes ? `last health probes:\n${probes}\n` : ""}last log lines:\n${await containerLogs(name)}`;
}

/**
 * Waits until the engine reports the container healthy. Returns the seconds from the container's
 * start to the end of its first passing probe, as the engine recorded them.
 */
export async function waitForHealthy(name: string, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await inspect<ContainerState>(name, ".State");
    if (!state.Health) throw new Error(`${name} has no healthcheck`);
    if (state.Health.Status === "healthy") {
      const firstPass = (state.Health.Log ?? []).find((probe) => probe.ExitCode === 0)!;
      return (Date.parse(firstPass.End) - Date.parse(state.StartedAt)) / 1000;
    }
    if (!state.Running || state.Health.Status === "unhealthy") {
      throw new Error(`${name} is ${state.Running ? "unhealthy" : `not running (exit ${state.ExitCode})`}\n${await describeFailure(name, state)}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} not healthy after ${timeoutMs / 1000} s\n${await describeFailure(name, state)}`);
    await sleep(200);
  }
}

/** Waits for a (job) container to exit; returns its exit code and run time in seconds. */
export async function waitForExit(name: string, timeoutMs = 300_000): Promise<{ exitCode: number; seconds: number }> {
  const { stdout } = await docker(["wait", name], { timeoutMs });
  const state = await inspect<ContainerState>(name, ".State");
  return { exitCode: Number(stdout.trim()), seconds: (Date.parse(state.FinishedAt) - Date.parse(state.StartedAt)) / 1000 };
}

/** Runs a command in the container as its user; never throws on a non-zero exit. */
export function exec(name: string, command: readonly string[]): Promise<DockerOutput> {
  return docker(["exec", name, ...command], { allowFailure: true });
}

export async function removeContainers(...names: string[]): Promise<void> {
  if (names.length > 0) await docker(["rm", "-f", "-v", ...names], { allowFailure: true });
}

/** The hardening as the engine recorded it for a container. */
export interface EngineHardening {
  user: string;
  readOnlyRootfs: boolean;
  capDrop: string[];
  securityOpt: string[];
  pidsLimit: number;
  memoryBytes: number;
  memorySwapBytes: number;
  nanoCpus: number;
  tmpfs: Record<string, string>;
  networkMode: string;
}

/** What the engine reports for a container started with `h` and Docker's default seccomp profile. */
export function expectedEngineHardening(h: ContainerHardening): EngineHardening {
  return {
    user: h.user,
    readOnlyRootfs: true,
    capDrop: ["ALL"],
    securityOpt: ["no-new-privileges:true"],
    pidsLimit: h.pidsLimit,
    memoryBytes: h.memoryMb * 1024 * 1024,
    memorySwapBytes: h.memoryMb * 1024 * 1024,
    nanoCpus: h.cpus * 1e9,
    tmpfs: Object.fromEntries(h.tmpfsPaths.map((p) => [p, TMPFS_OPTIONS])),
    networkMode: "host",
  };
}

export async function engineHardening(name: string): Promise<EngineHardening> {
  const c = await inspect<{
    Config: { User: string };
    HostConfig: {
      ReadonlyRootfs: boolean;
      CapDrop: string[] | null;
      SecurityOpt: string[] | null;
      PidsLimit: number | null;
      Memory: number;
      MemorySwap: number;
      NanoCpus: number;
      Tmpfs: Record<string, string> | null;
      NetworkMode: string;
    };
  }>(name, ".");
  return {
    user: c.Config.User,
    readOnlyRootfs: c.HostConfig.ReadonlyRootfs,
    capDrop: c.HostConfig.CapDrop ?? [],
    securityOpt: c.HostConfig.SecurityOpt ?? [],
    pidsLimit: c.HostConfig.PidsLimit ?? 0,
    memoryBytes: c.HostConfig.Memory,
    memorySwapBytes: c.HostConfig.MemorySwap,
    nanoCpus: c.HostConfig.NanoCpus,
    tmpfs: c.HostConfig.Tmpfs ?? {},
    networkMode: c.HostConfig.NetworkMode,
  };
}

/** The main process as the kernel sees it, and the container's cgroup limits (v1 or v2). */
export interface KernelView {
  /** Real, effective, saved and filesystem uid of PID 1. */
  uids: number[];
  gids: number[];
  effectiveCapabilities: bigint;
  noNewPrivs: boolean;
  pidsMax: string;
  memoryLimitBytes: number;
}

const CGROUP_SCRIPT =
  "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; " +
  "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes";

export async function kernelView(name: string): Promise<KernelView> {
  const status = await exec(name, ["cat", "/proc/1/status"]);
  if (status.code !== 0) throw new Error(`cannot read /proc/1/status in ${name}: ${status.stderr}`);
  const field = (key: string) => {
    const match = new RegExp(`^${key}:\\s*(.*)$`, "m").exec(status.stdout);
    if (!match) throw new Error(`/proc/1/status in ${name} has no ${key}`);
    return match[1]!.trim();
  };
  const cgroup = await exec(name, ["sh", "-c", CGROUP_SCRIPT]);
  const [pidsMax = "", memory = ""] = cgroup.stdout.trim().split("\n");
  return {
    uids: field("Uid").split(/\s+/).map(Number),
    gids: field("Gid").split(/\s+/).map(Number),
    effectiveCapabilities: BigInt(`0x${field("CapEff")}`),
    noNewPrivs: field("NoNewPrivs") === "1",
    pidsMax: pidsMax.trim(),
    memoryLimitBytes: Number(memory.trim()),
  };
}

/**
 * Tries to create a file in each directory as the container's user. Maps each directory to
 * "ok" or the reason the shell gave (e.g. "Read-only file system", "Permission denied").
 */
export async function probeWrites(name: string, directories: readonly string[]): Promise<Record<string, string>> {
  const script =
    'for d in "$@"; do f="$d/.qm-write-probe"; ' +
    'if err=$( { : > "$f"; } 2>&1 ); then rm -f "$f"; echo "$d|ok"; else echo "$d|$err"; fi; done';
  const { stdout } = await exec(name, ["sh", "-c", script, "sh", ...directories]);
  const result: Record<string, string> = {};
  for (const line of stdout.trim().split("\n")) {
    const [dir, ...rest] = line.split("|");
    // "sh: 1: cannot create /etc/.qm-write-probe: Read-only file system" -> the reason
    result[dir!] = rest.join("|").trim().split(": ").pop()!;
  }
  return result;
}
