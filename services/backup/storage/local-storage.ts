/**
 * Backups in a local directory (the backup volume on Docker targets):
 *
 *   <root>/<store>/<id>/<files> + manifest.json   complete backups
 *   <root>/.staging/<id>/                          a run in progress (never listed)
 *   <root>/.locks/<store>.lock                     the store's lock
 *
 * A backup is assembled in `.staging`, its manifest written there last, then the directory is
 * renamed into place: one atomic step on the same file system.
 */
import { randomBytes } from "node:crypto";
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { BackupLockedError, BackupStorageError } from "../errors.js";
import { BACKUP_STORES, MANIFEST_NAME, ManifestSchema, type BackupStore, type Manifest } from "../manifest.js";
import { byStartTime, isLockAbandoned, lockRecord, type BackupStorage, type LockOwner, type LockRecord, type ReleaseLock } from "./storage.js";

export class LocalDirectoryStorage implements BackupStorage {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = `directory ${root}`;
  }

  private staging(id: string): string {
    return path.join(this.root, ".staging", id);
  }

  private final(store: BackupStore, id: string): string {
    return path.join(this.root, store, id);
  }

  async putFile(_store: BackupStore, id: string, name: string, localPath: string, _sha256: string): Promise<void> {
    await this.guard(`write ${name} of ${id}`, async () => {
      await mkdir(this.staging(id), { recursive: true });
      await copyFile(localPath, path.join(this.staging(id), name));
    });
  }

  async commit(manifest: Manifest): Promise<void> {
    await this.guard(`complete ${manifest.id}`, async () => {
      const staging = this.staging(manifest.id);
      const temp = path.join(staging, `${MANIFEST_NAME}.tmp`);
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path.join(staging, MANIFEST_NAME));
      await mkdir(path.join(this.root, manifest.store), { recursive: true });
      await rename(staging, this.final(manifest.store, manifest.id));
    });
  }

  async abort(_store: BackupStore, id: string): Promise<void> {
    await rm(this.staging(id), { recursive: true, force: true });
  }

  async list(store?: BackupStore): Promise<Manifest[]> {
    const manifests: Manifest[] = [];
    for (const s of store ? [store] : BACKUP_STORES) {
      let ids: string[];
      try {
        ids = await readdir(path.join(this.root, s));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw new BackupStorageError(`cannot list ${path.join(this.root, s)}: ${(error as Error).message}`, { cause: error });
      }
      for (const id of ids) {
        try {
          const parsed = ManifestSchema.safeParse(JSON.parse(await readFile(path.join(this.root, s, id, MANIFEST_NAME), "utf8")));
          if (parsed.success && parsed.data.id === id && parsed.data.store === s) manifests.push(parsed.data);
        } catch {
          // no manifest or not JSON: not a complete backup
        }
      }
    }
    return manifests.sort(byStartTime);
  }

  async fetchFile(manifest: Manifest, name: string, destination: string): Promise<void> {
    await this.guard(`read ${name} of ${manifest.id}`, () => copyFile(path.join(this.final(manifest.store, manifest.id), name), destination));
  }

  async delete(manifest: Manifest): Promise<void> {
    const dir = this.final(manifest.store, manifest.id);
    await this.guard(`delete ${manifest.id}`, async () => {
      await rm(path.join(dir, MANIFEST_NAME), { force: true });
      await rm(dir, { recursive: true, force: true });
    });
  }

  async acquireLock(store: BackupStore, owner: LockOwner): Promise<ReleaseLock> {
    const dir = path.join(this.root, ".locks");
    const file = path.join(dir, `${store}.lock`);
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        // Written under a temp name and hard-linked into place, so the lock never exists empty.
        const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
        await writeFile(temp, JSON.stringify(lockRecord(owner)));
        try {
          await link(temp, file);
        } finally {
          await rm(temp, { force: true });
        }
        // Clean up what a crashed run of this store may have left in staging: we hold the lock.
        await this.removeStaleStaging(store);
        return () => rm(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new BackupStorageError(`cannot create ${file}: ${(error as Error).message}`, { cause: error });
      }
      const held = await readLock(file);
      if (held && !isLockAbandoned(held)) {
        throw new BackupLockedError(`a ${store} backup is already running (${held.owner}, since ${held.acquiredAt}); wait for it, or delete ${file} if that run is gone`);
      }
      // Abandoned (expired, its holder gone, or unreadable): move it aside atomically, so only one taker wins.
      await rename(file, `${file}.stale-${randomBytes(4).toString("hex")}`).catch(() => undefined);
    }
    throw new BackupLockedError(`another run took the ${store} lock at ${file} first; try again`);
  }

  private async removeStaleStaging(store: BackupStore): Promise<void> {
    const staging = path.join(this.root, ".staging");
    const entries = await readdir(staging).catch(() => [] as string[]);
    await Promise.all(entries.filter((id) => id.startsWith(`${store}-`)).map((id) => rm(path.join(staging, id), { recursive: true, force: true })));
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new BackupStorageError(`cannot ${what} in ${this.root}: ${(error as Error).message}; check the directory exists and is writable`, { cause: error });
    }
  }
}

async function readLock(file: string): Promise<LockRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, "utf8")) as LockRecord;
    return typeof record.expiresAt === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a small file atomically (temp name, then rename). */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
