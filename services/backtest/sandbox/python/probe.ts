/**
 * Finds out once per process whether Python jobs can be sandboxed here: bwrap and prlimit
 * installed, an interpreter found, and a real sandboxed run succeeding (which fails where user
 * namespaces are not allowed: Fargate, Docker's default seccomp profile). When the worker is
 * root it drops to the sandbox uid before bwrap when the interpreter is readable by that uid,
 * and inside bwrap otherwise (see SandboxMode).
 * A failed probe is an SBX_UNAVAILABLE error naming what is missing; jobs are then refused,
 * never run unsandboxed.
 */
import { execFile } from "node:child_process";
import { access, constants, lstat } from "node:fs/promises";
import { promisify } from "node:util";
import { SandboxUnavailableError } from "../errors.js";
import { resolveLimits } from "../limits.js";
import { buildSandboxCommand, type PythonRuntime, type SandboxCommandOptions } from "./sandbox-command.js";

const run = promisify(execFile);

/** Where the Python sandbox finds its tools; every field has a default. */
export interface PythonSandboxOptions {
  /** Interpreter, resolved on the host's PATH; default `python3`. */
  python?: string;
  /** Default `/usr/bin/bwrap`. */
  bwrap?: string;
  /** Default `/usr/bin/prlimit`. */
  prlimit?: string;
  /** Used only when the worker runs as root; default `/usr/bin/setpriv`. */
  setpriv?: string;
  /** uid and gid inside the sandbox (and outside, when dropping from root); default 65534. */
  sandboxUid?: number;
}

export interface PythonSandbox {
  runtime: PythonRuntime;
  command: SandboxCommandOptions;
  /** numpy imports inside the sandbox. */
  numpy: boolean;
  version: string;
}

/**
 * Asks the interpreter for its path, prefixes, version and the site-packages directories that
 * exist (where numpy is). The sandbox runs Python with -S and puts those directories on
 * sys.path itself: `site` would also run every .pth file there (code at each start-up, up to
 * 100 ms of it on this machine), and would look at paths outside the bound ones.
 */
const PROBE_SCRIPT =
  "import sys,json,site,os;print(json.dumps([sys.executable,sys.prefix,sys.base_prefix,sys.version.split()[0]," +
  "[p for p in site.getsitepackages() if os.path.isdir(p)]]))";

const probes = new Map<string, Promise<PythonSandbox>>();

/** The sandbox for these options, probed once (a failure is cached too: the machine won't change). */
export function probePythonSandbox(options: PythonSandboxOptions = {}): Promise<PythonSandbox> {
  const key = JSON.stringify(options);
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = probe_(options);
    probes.set(key, probe);
  }
  return probe;
}

async function probe_(options: PythonSandboxOptions): Promise<PythonSandbox> {
  const bwrap = options.bwrap ?? "/usr/bin/bwrap";
  const prlimit = options.prlimit ?? "/usr/bin/prlimit";
  const setpriv = options.setpriv ?? "/usr/bin/setpriv";
  const sandboxUid = options.sandboxUid ?? 65534;
  for (const [tool, path, pkg] of [["bwrap", bwrap, "bubblewrap"], ["prlimit", prlimit, "util-linux"]] as const) {
    if (!(await executable(path))) {
      throw new SandboxUnavailableError(`${tool} is not installed at ${path} (Debian package ${pkg}); Python strategies are refused`);
    }
  }
  let found: { executable: string; prefixes: string[]; version: string; sitePackages: string[] };
  try {
    const { stdout } = await run(options.python ?? "python3", ["-I", "-c", PROBE_SCRIPT], { timeout: 10_000 });
    const [exe, prefix, basePrefix, version, sitePackages] = JSON.parse(stdout) as [string, string, string, string, string[]];
    found = { executable: exe, prefixes: [...new Set([prefix, basePrefix])], version, sitePackages };
  } catch (error) {
    throw new SandboxUnavailableError(`no Python interpreter (${options.python ?? "python3"}): ${(error as Error).message.split("\n")[0]}`);
  }
  const runtime: PythonRuntime = {
    executable: found.executable,
    prefixes: found.prefixes,
    sitePackages: found.sitePackages,
    mergedUsr: await isSymlink("/lib"),
  };
  const base = { bwrap, prlimit, setpriv, sandboxUid };
  const attempts: SandboxCommandOptions[] = [];
  if (process.getuid?.() === 0) {
    if (!(await executable(setpriv))) throw new SandboxUnavailableError(`the worker runs as root and setpriv is not installed at ${setpriv} (util-linux)`);
    attempts.push({ ...base, mode: "drop-then-userns" }, { ...base, mode: "root-then-drop" });
  } else {
    attempts.push({ ...base, mode: "userns" });
  }
  let lastError = "";
  for (const command of attempts) {
    try {
      const numpy = await trySandbox(runtime, command);
      return { runtime, command, numpy, version: found.version };
    } catch (error) {
      lastError = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    }
  }
  throw new SandboxUnavailableError(
    `bubblewrap cannot create a sandbox here (${lastError.split("\n")[0]}): user namespaces are probably not allowed ` +
      "(Fargate, Docker's default seccomp profile); Python strategies are refused. See docs/backtest-strategies.md",
  );
}

/** Runs a trivial job in the sandbox; resolves whether numpy imports there. */
async function trySandbox(runtime: PythonRuntime, command: SandboxCommandOptions): Promise<boolean> {
  // Instead of the job's bootstrap, a probe that imports numpy if it can.
  const probe = "\ntry:\n import numpy\n print('numpy')\nexcept ImportError:\n print('stdlib')";
  const { command: cmd, args } = buildSandboxCommand(runtime, resolveLimits({ timeoutMs: 10_000 }), 0, command, probe);
  const { stdout } = await run(cmd, args, { env: {}, timeout: 10_000 });
  if (!/^(numpy|stdlib)$/m.test(stdout)) throw new Error(`unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}`);
  return stdout.includes("numpy");
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}
