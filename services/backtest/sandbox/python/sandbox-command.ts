/**
 * The command line that starts one Python job: [setpriv (drop to the sandbox uid when the
 * worker is root)] bwrap (fresh namespaces of every kind, no network, only the interpreter's
 * files, read-only, a read-only root, uid 65534, an empty environment) prlimit (CPU, address
 * space, processes, file size 0, open files, no core) python -I -S. A pure function of its
 * inputs, so the flags are tested as they are.
 */
import type { SandboxLimits } from "../limits.js";
import { MALLOC_TUNABLES } from "../malloc-tuning.js";
import { PY_BOOTSTRAP } from "./runner-source.js";

export interface PythonRuntime {
  /** Interpreter path as the host sees it; bound at the same path inside. */
  executable: string;
  /** Directories outside /usr the interpreter needs (its prefix and base prefix), bound read-only. */
  prefixes: string[];
  /**
   * The interpreter's existing site-packages directories (numpy's home). Python runs with -S
   * (no `site`: no .pth files executed at start-up) and the bootstrap puts these on sys.path.
   */
  sitePackages: string[];
  /** `/lib` and `/lib64` are symlinks into /usr (merged /usr): recreate them as symlinks. */
  mergedUsr: boolean;
}

/**
 * How the job reaches the sandbox uid, decided by the probe:
 * - "userns": the worker is not root; bwrap maps it to the sandbox uid in a new user namespace
 *   and forbids nested ones (`--disable-userns`). What production runs.
 * - "drop-then-userns": the worker is root; setpriv becomes the sandbox uid first, then as
 *   above. Needs the interpreter readable by that uid.
 * - "root-then-drop": the worker is root and the interpreter is only readable by root (e.g.
 *   pyenv under /root): bwrap builds the namespaces and binds as root, without a user
 *   namespace, and setpriv inside drops to the sandbox uid before prlimit and python. (A user
 *   namespace created by root maps the sandbox to kernel uid 0, which RLIMIT_NPROC ignores.)
 *   Nested user namespaces are not forbidden in this mode.
 */
export type SandboxMode = "userns" | "drop-then-userns" | "root-then-drop";

export interface SandboxCommandOptions {
  mode: SandboxMode;
  bwrap: string;
  prlimit: string;
  /** Needed by the two modes that drop from root. */
  setpriv?: string;
  /** uid and gid of the sandboxed process; 65534 (nobody). */
  sandboxUid: number;
}

/** Bytes of address space for a job: the user's budget plus room for the columns it reads. */
export function addressSpaceBytes(limits: SandboxLimits, dataBytes: number): number {
  return (limits.memoryMb + Math.ceil((2 * dataBytes) / 2 ** 20)) * 2 ** 20;
}

/** `--dir` for every ancestor of the bound prefixes, world-traversable whatever the host's modes. */
function ancestorDirs(prefixes: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of prefixes) {
    const parts = p.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(`/${parts.slice(0, i).join("/")}`);
  }
  return [...dirs].sort().flatMap((d) => ["--perms", "0755", "--dir", d]);
}

export function buildSandboxCommand(
  runtime: PythonRuntime,
  limits: SandboxLimits,
  dataBytes: number,
  options: SandboxCommandOptions,
  /** The code given to `python -c` after sys.path is set (the probe passes its own). */
  bootstrap: string = PY_BOOTSTRAP,
): { command: string; args: string[] } {
  const uid = String(options.sandboxUid);
  const prefixes = runtime.prefixes.filter((p) => p !== "/usr" && !p.startsWith("/usr/"));
  const binds = [...ancestorDirs(prefixes), ...prefixes.flatMap((p) => ["--ro-bind", p, p])];
  const libs = runtime.mergedUsr
    ? ["--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]
    : ["--ro-bind-try", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64"];
  const cpuSeconds = Math.max(1, Math.ceil(limits.cpuMs / 1000));
  const setpriv = options.setpriv ?? "/usr/bin/setpriv";
  const dropTo = [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"];
  const namespaces =
    options.mode === "root-then-drop"
      ? ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
      : // No nested user namespaces: the sandbox cannot gain capabilities in a namespace of its own.
        ["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--uid", uid, "--gid", uid];
  const bwrap = [
    options.bwrap,
    ...namespaces,
    "--die-with-parent",
    "--new-session",
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
    // numpy's temporaries reuse freed heap instead of fresh mmaps (see malloc-tuning.ts).
    "--setenv",
    "GLIBC_TUNABLES",
    MALLOC_TUNABLES,
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
    ...(options.mode === "root-then-drop" ? [setpriv, ...dropTo, "--"] : []),
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
    "-S",
    "-B",
    "-c",
    `import sys;sys.path.extend(${JSON.stringify(runtime.sitePackages)});${bootstrap}`,
  ];
  if (options.mode !== "drop-then-userns") return { command: bwrap[0]!, args: bwrap.slice(1) };
  return { command: setpriv, args: [...dropTo, ...bwrap] };
}
