/**
 * The embedded store's single-writer lock: `<collection dir>/write.lock`, holding
 * `{ pid, hostname, startedAt, token }` of the process that writes the collection. Without it,
 * two writers (two index runs) would save interleaved generations and delete each other's files.
 *
 * Taking it: create the file exclusively (`wx`). If it exists and its owner is alive, the store
 * is locked. If its owner is gone (no such pid on this host) or it is unreadable garbage, it is
 * replaced atomically (temp file + rename) and re-read after a short pause to confirm ownership,
 * so of two processes taking over the same stale lock at once, only the last rename wins and the
 * other sees it lost. A lock of another host cannot be checked and counts as held.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { StoreLockedError } from "../errors.js";
import { tempPathFor } from "./atomic-file.js";

/** Name of the lock file inside the collection directory. */
export const LOCK_FILE = "write.lock";

const LockSchema = z.object({
  pid: z.number().int().positive().max(2 ** 31 - 1),
  hostname: z.string(),
  startedAt: z.string(),
  /** Tells apart two stores of one process; absent in a lock written by hand. */
  token: z.string().optional(),
});

/** Contents of write.lock. */
export type LockOwner = z.infer<typeof LockSchema>;

/** Pause between replacing a stale lock and confirming it is ours; longer than another taker's check-then-rename. */
const SETTLE_MS = 50;
/** An unparseable lock younger than this may be one whose creator is still writing it: wait rather than take it. */
const FRESH_GARBAGE_MS = 2000;
const POLL_MS = 50;
/** Rounds of create / inspect / take over before giving up on a lock that keeps changing hands. */
const MAX_ROUNDS = 100;

/** Locks this process holds, token -> path: our pid in a lock with another token is a previous process's. */
const held = new Map<string, string>();
let exitHookInstalled = false;

type LockState =
  | { kind: "missing" }
  | { kind: "owned"; owner: LockOwner; text: string }
  | { kind: "garbage"; text: string; ageMs: number };

/** A held write lock; `release()` it when done writing. */
export class WriteLock {
  private released = false;

  private constructor(
    /** The lock file. */
    readonly path: string,
    private readonly token: string,
  ) {}

  /**
   * Takes `<dir>/write.lock` (creating `dir` if needed). Throws StoreLockedError when a live
   * process holds it; takes over the lock of a dead process or a garbage lock file.
   */
  static async acquire(dir: string): Promise<WriteLock> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, LOCK_FILE);
    const token = randomBytes(8).toString("hex");
    const mine: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), token };
    const text = `${JSON.stringify(mine)}\n`;
    // Registered before the file exists, so another store of this process never mistakes it for a dead one's.
    held.set(token, path);
    installExitHook();
    try {
      let last: LockOwner | undefined;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (await createExclusive(path, text)) return new WriteLock(path, token);
        const current = await readLock(path);
        if (current.kind === "missing") continue;
        if (current.kind === "owned") {
          last = current.owner;
          if (isAlive(current.owner)) throw new StoreLockedError(path, current.owner);
        } else if (current.ageMs < FRESH_GARBAGE_MS) {
          await sleep(POLL_MS);
          continue;
        }
        if (await takeOver(path, current.text, text)) return new WriteLock(path, token);
      }
      throw new StoreLockedError(path, last);
    } catch (error) {
      held.delete(token);
      throw error;
    }
  }

  /** Deletes the lock file if it is still ours; safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    held.delete(this.token);
    const text = await readFile(this.path, "utf8").catch(() => undefined);
    if (text !== undefined && parseLock(text)?.token === this.token) await rm(this.path, { force: true });
  }
}

/** Creates the lock file with `text` unless it exists; true when we created it. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

function parseLock(text: string): LockOwner | undefined {
  try {
    const parsed = LockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function readLock(path: string): Promise<LockState> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw error;
  }
  try {
    const text = await handle.readFile("utf8");
    const owner = parseLock(text);
    if (owner) return { kind: "owned", owner, text };
    const { mtimeMs } = await handle.stat();
    return { kind: "garbage", text, ageMs: Date.now() - mtimeMs };
  } finally {
    await handle.close();
  }
}

/** Whether the lock's owner may still be running. Only a pid of this host can be checked. */
function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  // Our own pid: a lock of this process only if it is one we hold, else a previous process that had
  // the same pid (common for pid 1 in a restarted container).
  if (owner.pid === process.pid) return owner.token !== undefined && held.has(owner.token);
  return isPidAlive(owner.pid);
}

/** Whether a process with this pid runs on this host; only a definite "no such process" counts as dead. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Replaces the stale lock whose content is `staleText` with `text`; true when it is ours after
 * a settling pause. The content is checked again just before the rename, so the window in which
 * this could overwrite another taker's fresh lock is tiny, and that taker's own confirmation,
 * coming SETTLE_MS after its rename, then sees it lost.
 */
async function takeOver(path: string, staleText: string, text: string): Promise<boolean> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, text);
    const now = await readFile(path, "utf8").catch(() => undefined);
    if (now !== staleText) return false;
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
  await sleep(SETTLE_MS);
  return (await readFile(path, "utf8").catch(() => undefined)) === text;
}

/** Deletes this process's locks when it exits without closing its stores (not on a crash or a signal). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [token, path] of held) {
      try {
        if (parseLock(readFileSync(path, "utf8"))?.token === token) unlinkSync(path);
      } catch {
        // Already gone or unreadable: nothing of ours to delete.
      }
    }
  });
}
