/**
 * Where backups live: a local directory or an S3 bucket, behind one small interface. A backup is
 * complete exactly when its manifest exists, and the manifest is always written last, so a run
 * that dies half-way never leaves anything that `list` shows or `restore` accepts.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { isPidAlive } from "../../shared/process-alive.js";
import type { BackupStore, Manifest } from "../manifest.js";

/** Gives the lock back. */
export type ReleaseLock = () => Promise<void>;

export interface LockOwner {
  /** Who holds it, for the message another run shows: host and pid. */
  owner: string;
  /** After this the lock counts as abandoned (a crashed run) and may be taken over. */
  ttlMs: number;
  /** The holder's host and pid: a holder on this host whose pid is gone is taken over at once. */
  hostname?: string;
  pid?: number;
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
  hostname?: string;
  pid?: number;
  /** Which process with that pid: one random value per process start. */
  process?: string;
}

/** Tells this process apart from an earlier one that had the same pid (pid 1 in a restarted container). */
const PROCESS_TOKEN = randomBytes(8).toString("hex");

export function lockRecord(owner: LockOwner, now = Date.now()): LockRecord {
  return {
    owner: owner.owner,
    acquiredAt: new Date(now).toISOString(),
    expiresAt: new Date(now + owner.ttlMs).toISOString(),
    ...(owner.hostname !== undefined && owner.pid !== undefined && { hostname: owner.hostname, pid: owner.pid, process: PROCESS_TOKEN }),
  };
}

/**
 * Whether a held lock may be taken over: it expired, or its holder ran on this host and that
 * process is gone (killed with SIGKILL, the container restarted). A pid of another host says
 * nothing here, so such a lock lives until it expires. A record with our own pid but another
 * process token was left by an earlier process that had the same pid.
 */
export function isLockAbandoned(record: LockRecord, now = Date.now()): boolean {
  if (!(Date.parse(record.expiresAt) > now)) return true;
  if (record.hostname !== hostname() || typeof record.pid !== "number") return false;
  if (record.pid === process.pid) return record.process !== PROCESS_TOKEN;
  return !isPidAlive(record.pid);
}

export function byStartTime(a: Manifest, b: Manifest): number {
  return a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
