/**
 * Starts the backtest worker as its own hardened process: Node's permission model with reads only
 * under the app, data and bar-cache directories, writes only into the bar cache, and no worker
 * threads (flags from sandbox/worker-isolation.ts; child processes stay allowed because Python
 * strategies start bubblewrap and TypeScript is transpiled by esbuild's service). tsx cannot load under the
 * permission model (it needs a loader thread), so the entry is bundled by esbuild into a temporary
 * directory first, its package imports pointing at absolute paths in node_modules.
 * The network stays: the worker talks to Redis.
 */
import { spawn } from "node:child_process";
import { builtinModules } from "node:module";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { PACKAGE_ROOT } from "../../shared/package-root.js";
import { withMallocTunables } from "../sandbox/malloc-tuning.js";
import { sandboxWorkerNodeFlags } from "../sandbox/worker-isolation.js";

// The entry beside this file: TypeScript from the sources (tsx), JavaScript in a build (the image).
const ENTRY = fileURLToPath(new URL(`./hardened-worker-entry${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
const BUILTINS = new Set(builtinModules);

/**
 * What the Python sandbox checks from Node before it starts bubblewrap (sandbox/python/probe.ts):
 * the tools must be executable, and /lib is looked at to tell a merged /usr. The interpreter and
 * its libraries are bound by bwrap itself, which the permission model does not see.
 */
const PYTHON_PROBE_PATHS = ["/usr/bin/bwrap", "/usr/bin/prlimit", "/usr/bin/setpriv", "/lib"];

/** Keeps packages out of the bundle, imported from where this package resolves them. */
const absolutePackages: Plugin = {
  name: "absolute-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || BUILTINS.has(args.path)) return { path: args.path, external: true };
      return { path: import.meta.resolve(args.path), external: true };
    });
  },
};

export interface HardenedWorkerOptions {
  /** Directories the worker may read besides the app (the data directory). */
  readPaths: string[];
  /**
   * The one directory it may write: the cache of remote bars (data/bar-cache.ts). Nothing else,
   * and no strategy ever reaches the file system (isolated-vm, bubblewrap).
   */
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

/** Bundles and runs the worker; resolves with its exit code. Signals are passed on to it. */
export async function runHardenedWorker(options: HardenedWorkerOptions): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "qm-backtest-worker-"));
  try {
    const outfile = path.join(dir, "worker.mjs");
    await build({
      entryPoints: [ENTRY],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      plugins: [absolutePackages],
      // package-root.ts finds the app from its own location, which must stay the app's, not the bundle's.
      define: { "import.meta.url": JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, "services", "shared", "package-root.ts")).href) },
      logLevel: "error",
    });
    // Node 20.20 denies every read when --allow-fs-read holds a comma-separated list, so each
    // further path gets a flag of its own.
    const flags = [
      ...sandboxWorkerNodeFlags({ readPaths: [PACKAGE_ROOT], languages: "both" }),
      ...[dir, ...PYTHON_PROBE_PATHS, options.cacheDir, ...options.readPaths.map((p) => path.resolve(p))].map((p) => `--allow-fs-read=${p}`),
      `--allow-fs-write=${options.cacheDir}`,
    ];
    await mkdir(options.cacheDir, { recursive: true });
    // malloc that keeps freed blocks for the next job: see sandbox/malloc-tuning.ts.
    const env = withMallocTunables(options.env);
    const child = spawn(process.execPath, ["--no-warnings", ...flags, outfile], { env, stdio: ["pipe", "inherit", "inherit"] });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = forward("SIGTERM");
    const onInt = forward("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
    return await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        resolve(code ?? (signal ? 128 : 1));
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
