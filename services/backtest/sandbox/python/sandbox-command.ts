/**
 * The command line that starts one Python job: [setpriv (drop to the sandbox uid when the
 * worker is root)] bwrap (fresh namespaces of every kind, no network, only the interpreter's
 * files, read-only, a read-only root, uid 65534, an empty environment) prlimit (CPU, address
 * space, processes, file size 0, open files, no core) python -I. A pure function of its
 * inputs, so the flags are tested as they are.
 */
import type { SandboxLimits } from "../limits.js";
import { PY_BOOTSTRAP } from "./runner-source.js";

export interface PythonRuntime {
  /** Interpreter path as the host sees it; bound at the same path inside. */
  executable: string;
  /** Directories outside /usr the interpreter needs (its prefix and base prefix), bound read-only. */
  prefixes: string[];
  /** `/lib` and `/lib64` are symlinks into /usr (merged /usr): recreate them as symlinks. */
  mergedUsr: boolean;
}

export interface SandboxCommandOptions {
  bwrap: string;
  prlimit: string;
  /** Set when the worker runs as root: setpriv path and the uid/gid to become before bwrap. */
  dropPrivileges?: { setpriv: string; uid: number; gid: number };
  /** uid/gid inside the sandbox; 65534 (nobody). */
  sandboxUid: number;
}

/** Bytes of address space for a job: the user's budget plus room for the columns it reads. */
export function addressSpaceBytes(limits: SandboxLimits, dataBytes: number): number {
  return (limits.memoryMb + Math.ceil((2 * dataBytes) / 2 ** 20)) * 2 ** 20;
}

export function buildSandboxCommand(
  runtime: PythonRuntime,
  limits: SandboxLimits,
  dataBytes: number,
  options: SandboxCommandOptions,
): { command: string; args: string[] } {
  const uid = String(options.sandboxUid);
  const binds = runtime.prefixes.filter((p) => p !== "/usr" && !p.startsWith("/usr/")).flatMap((p) => ["--ro-bind", p, p]);
  const libs = runtime.mergedUsr
    ? ["--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]
    : ["--ro-bind-try", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64"];
  const cpuSeconds = Math.max(1, Math.ceil(limits.cpuMs / 1000));
  const bwrap = [
    options.bwrap,
    "--unshare-all",
    "--unshare-user",
    // No nested user namespaces: the sandbox cannot regain capabilities in a namespace of its own.
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    "--uid",
    uid,
    "--gid",
    uid,
    "--hostname",
    "sandbox",
    "--clearenv",
    "--setenv",
    "PATH",
    "/usr/bin",
    "--setenv",
    "LANG",
    "C.UTF-8",
    // One BLAS/OpenMP thread: threads count against the process limit, and jobs run side by side.
    "--setenv",
    "OPENBLAS_NUM_THREADS",
    "1",
    "--setenv",
    "OMP_NUM_THREADS",
    "1",
    "--setenv",
    "MKL_NUM_THREADS",
    "1",
    "--ro-bind",
    "/usr",
    "/usr",
    ...libs,
    ...binds,
    "--dev",
    "/dev",
    "--chdir",
    "/",
    "--remount-ro",
    "/",
    "--",
    options.prlimit,
    `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
    `--as=${addressSpaceBytes(limits, dataBytes)}`,
    `--nproc=${limits.processes}`,
    "--fsize=0",
    `--nofile=${limits.openFiles}`,
    "--core=0",
    "--",
    runtime.executable,
    "-I",
    "-B",
    "-c",
    PY_BOOTSTRAP,
  ];
  const drop = options.dropPrivileges;
  if (drop === undefined) return { command: bwrap[0]!, args: bwrap.slice(1) };
  return {
    command: drop.setpriv,
    args: [
      `--reuid=${drop.uid}`,
      `--regid=${drop.gid}`,
      "--clear-groups",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--no-new-privs",
      ...bwrap,
    ],
  };
}
