/**
 * The second layer around the sandboxes: how to start the process that calls `runStrategy`.
 * Node's permission model (Node 20: `--experimental-permission`) leaves it no file writes,
 * no worker threads and, for JavaScript jobs, no child processes; file reads only under the
 * paths given. Where user namespaces are allowed, `unshare --user --map-current-user --net`
 * also takes its network away (its own, empty network namespace: only a loopback that is
 * down), so even a sandbox escape has nowhere to connect. The process must then receive
 * bars from its parent (stdin/IPC) or read them from a cache directory in `readPaths`.
 *
 * Python jobs need `--allow-child-process` (the worker starts bwrap); bwrap's own sandbox is
 * the boundary there. The worker should also run as a non-root user (the image's `quantmind`
 * user), with cgroup memory and pids limits from its container (see infra descriptors).
 */

export interface WorkerIsolationOptions {
  /** The worker's entry script (compiled JavaScript). */
  entry: string;
  /** Paths the worker may read: the app directory (code, node_modules) and any data cache. */
  readPaths: string[];
  /** Which sandbox the worker drives: "python" also allows child processes (bwrap). */
  languages: "javascript" | "python" | "both";
  /** Wrap in `unshare --user --map-current-user --net` (no network). Default true; see `networkIsolation`. */
  unshareNetwork?: boolean;
  /** Node binary; default `process.execPath`. */
  node?: string;
  /** Default `/usr/bin/unshare`. */
  unshare?: string;
}

/** Node flags for the worker: the permission model, reads only where needed, no writes. */
export function sandboxWorkerNodeFlags(options: Pick<WorkerIsolationOptions, "readPaths" | "languages">): string[] {
  if (options.readPaths.length === 0) throw new Error("readPaths must name at least the app directory");
  for (const p of options.readPaths) {
    if (!p.startsWith("/") || p.includes(",")) throw new Error(`read path ${JSON.stringify(p)} must be absolute and contain no comma`);
  }
  return [
    "--experimental-permission",
    // Node 20 takes one comma-separated list.
    `--allow-fs-read=${options.readPaths.join(",")}`,
    // isolated-vm is a native addon.
    "--allow-addons",
    ...(options.languages === "javascript" ? [] : ["--allow-child-process"]),
    // Never: --allow-fs-write, --allow-worker, --allow-wasi.
  ];
}

/** The full command line for the worker process. */
export function sandboxWorkerCommand(options: WorkerIsolationOptions): { command: string; args: string[] } {
  const node = options.node ?? process.execPath;
  const nodeArgs = [...sandboxWorkerNodeFlags(options), options.entry];
  if (options.unshareNetwork === false) return { command: node, args: nodeArgs };
  return {
    command: options.unshare ?? "/usr/bin/unshare",
    args: ["--user", "--map-current-user", "--net", "--", node, ...nodeArgs],
  };
}

/**
 * Whether `unshare --user --map-current-user --net` works here (it does not where user
 * namespaces are refused: Fargate, Docker's default seccomp profile). Without it, the worker
 * keeps the network its platform gives it: on Fargate, the task's security group is the fence.
 */
export async function canUnshareNetwork(unshare = "/usr/bin/unshare"): Promise<boolean> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile(unshare, ["--user", "--map-current-user", "--net", "--", "/bin/true"], { env: {}, timeout: 10_000 }, (error) => resolve(error === null));
  });
}
