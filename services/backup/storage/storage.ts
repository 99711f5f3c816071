/**
 * Where backups live: a local directory or an S3 bucket, behind one small interface. A backup is
 * complete exactly when its manifest exists, and the manifest is always written last, so a run
 * that dies half-way never leaves anything that `list` shows or `restore` accepts.
 */
import type { BackupStore, Manifest } from "../manifest.js";

/** Gives the lock back. */
export type ReleaseLock = () => Promise<void>;

export interface LockOwner {
  /** Who holds it, for the message another run shows: host and pid. */
  owner: string;
  /** After this the lock counts as abandoned (a crashed run) and may be taken over. */
  ttlMs: number;
}

export interface BackupStorage {
  /** For logs and messages: `directory /backups`, `s3://bucket/prefix/`. */
  readonly description: string;
  /** Stores one file of an unfinished backup; nothing is visible until {@link commit}. */
  putFile(store: BackupStore, id: string, name: string, localPath: string, sha256: string): Promise<void>;
  /** Writes the manifest, completing the backup in one step. */
  commit(manifest: Manifest): Promise<void>;
  /** Removes whatever an unfinished backup left; safe to call when nothing is there. */
  abort(store: BackupStore, id: string): Promise<void>;
  /** Complete backups, oldest first; a backup with an unreadable manifest is left out. */
  list(store?: BackupStore): Promise<Manifest[]>;
  /** Copies one file of a complete backup to `destination`. */
  fetchFile(manifest: Manifest, name: string, destination: string): Promise<void>;
  /** Deletes a backup, manifest first, so it stops counting before its files go. */
  delete(manifest: Manifest): Promise<void>;
  /** Takes the store's lock or throws BackupLockedError naming the holder. */
  acquireLock(store: BackupStore, owner: LockOwner): Promise<ReleaseLock>;
}

/** What a lock file or object holds. */
export interface LockRecord {
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

export function lockRecord(owner: LockOwner, now = Date.now()): LockRecord {
  return { owner: owner.owner, acquiredAt: new Date(now).toISOString(), expiresAt: new Date(now + owner.ttlMs).toISOString() };
}

export function byStartTime(a: Manifest, b: Manifest): number {
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
