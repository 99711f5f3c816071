/**
 * glibc malloc settings for processes that run strategies (the hardened worker, and Python
 * inside bubblewrap), passed as `GLIBC_TUNABLES` when they start.
 *
 * Why: a vectorised strategy allocates a few arrays of 8 bytes per bar (8 MB per million bars)
 * and drops them. By default glibc serves each such block with a fresh mmap and unmaps it when
 * freed, so every job pays a page fault per 4 KiB on first touch: on this machine that was
 * about half of a vectorised JavaScript job and a third of the numpy strategy's run
 * (bench/RESULTS.md, "Backtest sandbox: the vectorised path and the Python fixed cost").
 * Raising the mmap threshold to its maximum (32 MiB on 64-bit) keeps such blocks in the heap,
 * and a high trim threshold keeps freed heap for the next job, where calloc clears it with a
 * memset instead of the kernel faulting it in page by page.
 *
 * Not a limit: memory limits stay where they are (the isolate's heap limit, prlimit's address
 * space, the container's cgroup). Freed memory kept for reuse counts in the resident size of
 * the process, at most about its previous peak. Other C libraries (musl) ignore the variable.
 */
export const MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

/** `env` with the tunables added, unless the operator set GLIBC_TUNABLES already. */
export function withMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES === undefined ? { ...env, GLIBC_TUNABLES: MALLOC_TUNABLES } : env;
}
