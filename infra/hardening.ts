/**
 * Container hardening: one definition, used both by the Pulumi Docker targets (local, vps) and by
 * the container test tier, so the tests run exactly what `pulumi up` deploys.
 *
 * Every field is on by default; a service loosens nothing, it only sizes its limits and names the
 * paths it must write to (tmpfs).
 */
import type * as docker from "@pulumi/docker";
import { USER_NAMESPACE_SYSTEM_PATHS_OPTION, userNamespaceSeccompOption } from "./seccomp.js";

/** The image's service user (see the Dockerfile); never root. */
export const SERVICE_USER = "10001:10001";

/** Options of every tmpfs mount: writable, but nothing in it can be executed or be a device. */
export const TMPFS_OPTIONS = "rw,noexec,nosuid,nodev,size=256m";

export interface ContainerLimits {
  /** Hard memory limit in MiB; swap is not allowed on top of it. */
  memoryMb: number;
  /** CPU quota in cores (may be fractional). */
  cpus: number;
  /** Maximum number of processes and threads. */
  pidsLimit: number;
}

export interface ContainerHardening extends ContainerLimits {
  /** `uid:gid` the process runs as. */
  user: string;
  readOnlyRootFilesystem: true;
  /** Writable paths, each a tmpfs mount with {@link TMPFS_OPTIONS}. */
  tmpfsPaths: readonly string[];
  /** Capabilities dropped: all of them. */
  dropCapabilities: readonly ["ALL"];
  noNewPrivileges: true;
  /**
   * The process may create user namespaces (a sandbox inside: bubblewrap), under the seccomp
   * profile of infra/seccomp.ts instead of Docker's default, which refuses them, and with
   * /proc/sys writable where file permissions allow (see seccomp.ts). Default false.
   */
  userNamespaces: boolean;
}

export function containerHardening(options: ContainerLimits & { user?: string; tmpfsPaths: readonly string[]; userNamespaces?: boolean }): ContainerHardening {
  return {
    user: options.user ?? SERVICE_USER,
    readOnlyRootFilesystem: true,
    tmpfsPaths: options.tmpfsPaths,
    dropCapabilities: ["ALL"],
    noNewPrivileges: true,
    memoryMb: options.memoryMb,
    cpus: options.cpus,
    pidsLimit: options.pidsLimit,
    userNamespaces: options.userNamespaces ?? false,
  };
}

/**
 * The `docker run` / `docker create` flags for a hardening definition. The CLI reads a seccomp
 * profile from a file: with `userNamespaces`, pass where infra/seccomp.ts's profile is written.
 */
export function dockerRunHardeningFlags(h: ContainerHardening, files: { seccompProfile?: string } = {}): string[] {
  if (h.userNamespaces && files.seccompProfile === undefined) throw new Error("userNamespaces needs the seccomp profile's file (infra/seccomp.ts)");
  return [
    "--read-only",
    "--user", h.user,
    ...h.dropCapabilities.flatMap((cap) => ["--cap-drop", cap]),
    "--security-opt", "no-new-privileges:true",
    ...(h.userNamespaces ? ["--security-opt", `seccomp=${files.seccompProfile}`, "--security-opt", USER_NAMESPACE_SYSTEM_PATHS_OPTION] : []),
    "--pids-limit", String(h.pidsLimit),
    "--memory", `${h.memoryMb}m`,
    "--memory-swap", `${h.memoryMb}m`,
    "--cpus", String(h.cpus),
    ...h.tmpfsPaths.flatMap((p) => ["--tmpfs", `${p}:${TMPFS_OPTIONS}`]),
  ];
}

/**
 * The same definition as `docker.Container` arguments. The Docker provider has no pids-limit
 * argument, so {@link dockerPidsLimitCommand} applies that one after the container is created.
 */
export function dockerContainerHardening(h: ContainerHardening): Pick<
  docker.ContainerArgs,
  "readOnly" | "user" | "capabilities" | "securityOpts" | "tmpfs" | "memory" | "memorySwap" | "cpus"
> {
  return {
    readOnly: h.readOnlyRootFilesystem,
    user: h.user,
    capabilities: { drops: [...h.dropCapabilities] },
    securityOpts: ["no-new-privileges:true", ...(h.userNamespaces ? [userNamespaceSeccompOption(), USER_NAMESPACE_SYSTEM_PATHS_OPTION] : [])],
    tmpfs: Object.fromEntries(h.tmpfsPaths.map((p) => [p, TMPFS_OPTIONS])),
    memory: h.memoryMb,
    memorySwap: h.memoryMb,
    cpus: String(h.cpus),
  };
}

/**
 * Label of a secrets seeder: a container that is created, receives secret files into a volume,
 * and never starts (see infra/components/docker/secrets-seeder.ts). The policy pack exempts it
 * from the run-time-only flags (read-only root, memory limit), which it cannot have.
 */
export const SECRETS_SEEDER_LABEL = { label: "org.quantmind.role", value: "secrets-seeder" } as const;

/** `docker update` command line that sets the pids limit on a running container. */
export function dockerPidsLimitCommand(h: ContainerHardening, containerName: string): string {
  return `docker update --pids-limit ${h.pidsLimit} ${containerName}`;
}
