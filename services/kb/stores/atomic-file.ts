/**
 * Crash-safe file writes: data goes to a temp file in the same directory, is fsynced, then
 * renamed over the target, and the directory is fsynced so the rename itself survives a crash.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Suffix marking temp files; anything carrying it after a crash is garbage and safe to delete. */
export const TEMP_MARKER = ".tmp-";

/** A fresh temp path next to `target`. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `${basename(target)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** Flushes a file's data to disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory entry table, making earlier renames in it durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames an already-fsynced temp file over `target` and makes the rename durable. */
export async function commitTempFile(temp: string, target: string): Promise<void> {
  await rename(temp, target);
  await fsyncDir(dirname(target));
}

/** Writes `data` to `target` atomically: readers see the old content or the new, never a mix. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await commitTempFile(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
