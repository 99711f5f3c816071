/**
 * ECS container definitions built from the shared hardening definition (infra/hardening.ts), as
 * far as Fargate allows, and the Fargate task size that fits a container's limits. Used by the
 * Service and Qdrant components so every task on aws is hardened the same way.
 *
 * How each hardening field maps onto Fargate:
 * - user, read-only root filesystem: `user`, `readonlyRootFilesystem`.
 * - all capabilities dropped: `linuxParameters.capabilities.drop: ["ALL"]` (Fargate allows
 *   dropping any capability; the only one it lets a task add is SYS_PTRACE, which we never add).
 * - tmpfs paths: Fargate has no tmpfs, so each becomes an empty bind-mount volume on the task's
 *   ephemeral storage, gone when the task stops. Fargate creates it root-owned unless the image
 *   declares the path as a `VOLUME`, in which case it takes the image directory's owner and mode.
 * - pids limit: `ulimits` nproc (soft = hard). nproc counts per uid, and each Fargate task is its
 *   own microVM running one service user, so in effect it caps the task's processes and threads.
 * - memory and CPU: the container's hard `memory` limit and `cpu` share; the task size is rounded
 *   up to the nearest size Fargate offers (see {@link fargateTaskSize}).
 * - no-new-privileges: Fargate accepts no `dockerSecurityOptions`. What the flag prevents (gaining
 *   privileges through a setuid or file-capability binary) is covered by the other fields: the
 *   process runs as a non-root user with every capability dropped from its bounding set, so a
 *   setuid-root binary gains uid 0 but no capability; the root filesystem is read-only; Fargate
 *   refuses privileged containers and host namespaces; and the task is its own VM, so nothing
 *   gained reaches another task.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerHardening } from "../../hardening.js";
import { SizingError } from "../../errors.js";

/** Fargate's task sizes: CPU units -> the memory sizes (MiB) it can be paired with. */
const FARGATE_SIZES: readonly [number, readonly number[]][] = [
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
];

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

/** The smallest Fargate task size with at least `cpus` cores and `memoryMb` MiB. */
export function fargateTaskSize(cpus: number, memoryMb: number): { cpu: number; memory: number } {
  for (const [cpu, memories] of FARGATE_SIZES) {
    if (cpu < cpus * 1024) continue;
    const memory = memories.find((m) => m >= memoryMb);
    if (memory !== undefined) return { cpu, memory };
  }
  throw new SizingError(`no Fargate task size has ${cpus} vCPU and ${memoryMb} MiB`);
}

/** A bind-mount volume name for a writable path (`/tmp` -> `writable-tmp`). */
export function writableVolumeName(containerPath: string): string {
  return `writable-${containerPath.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "root"}`;
}

export interface HardenedContainer {
  /** Fields for the container definition. */
  container: Pick<aws.ecs.ContainerDefinition, "user" | "readonlyRootFilesystem" | "linuxParameters" | "ulimits" | "memory" | "cpu" | "mountPoints">;
  /** The task's volumes backing the writable paths. */
  volumes: { name: string }[];
}

export function fargateHardening(h: ContainerHardening): HardenedContainer {
  return {
    container: {
      user: h.user,
      readonlyRootFilesystem: h.readOnlyRootFilesystem,
      // `privileged` stays unset: Fargate does not support the parameter, and unset means off.
      // initProcessEnabled: a tiny init as PID 1 forwards signals and reaps zombies; it adds no privilege.
      linuxParameters: { capabilities: { drop: [...h.dropCapabilities] }, initProcessEnabled: true },
      ulimits: [{ name: "nproc", softLimit: h.pidsLimit, hardLimit: h.pidsLimit }],
      memory: h.memoryMb,
      cpu: Math.round(h.cpus * 1024),
      mountPoints: h.tmpfsPaths.map((containerPath) => ({ sourceVolume: writableVolumeName(containerPath), containerPath, readOnly: false })),
    },
    volumes: h.tmpfsPaths.map((containerPath) => ({ name: writableVolumeName(containerPath) })),
  };
}

/** The awslogs configuration: non-blocking, so a CloudWatch hiccup never stalls the service. */
export function awsLogs(logGroup: pulumi.Input<string>, region: pulumi.Input<string>, streamPrefix: string): aws.ecs.LogConfiguration {
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": logGroup,
      "awslogs-region": region,
      "awslogs-stream-prefix": streamPrefix,
      mode: "non-blocking",
      "max-buffer-size": "4m",
    },
  };
}

/** Environment entries in a stable order, so an unchanged environment never shows as a diff. */
export function environmentEntries(env: Readonly<Record<string, string>>): aws.ecs.KeyValuePair[] {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]! }));
}
