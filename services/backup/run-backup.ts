/**
 * One backup run of one store: take the store's lock, capture into a private work directory,
 * upload the files, write the manifest last, then prune by the retention policy. A failure
 * removes what the run uploaded, records the failure metric, logs one error line and rethrows,
 * so the CLI exits non-zero.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "../shared/logger.js";
import { BackupNotConfiguredError } from "./errors.js";
import { newBackupId, type BackupFile, type BackupStore, type Manifest } from "./manifest.js";
import type { BackupMetrics } from "./metrics.js";
import { sha256File } from "./qdrant/qdrant-source.js";
import { planRetention, type RetentionPolicy } from "./retention.js";
import type { BackupSource } from "./source.js";
import type { BackupStorage } from "./storage/storage.js";

export interface BackupDeps {
  storage: BackupStorage;
  /** The stores this process can back up; a missing one is a configuration error at run time. */
  sources: Partial<Record<BackupStore, BackupSource>>;
  retention: RetentionPolicy;
  metrics?: BackupMetrics;
  logger: Logger;
  /** Where captures are assembled before upload; default the OS temp directory. */
  workDir?: string;
  /** A lock older than this is taken to be from a crashed run; default 6 h. */
  lockTtlMs?: number;
}

export const DEFAULT_LOCK_TTL_MS = 6 * 60 * 60_000;

export async function runBackup(store: BackupStore, deps: BackupDeps): Promise<Manifest> {
  const { storage, logger } = deps;
  const source = deps.sources[store];
  if (!source) throw new BackupNotConfiguredError(store);
  const started = new Date();
  const release = await storage.acquireLock(store, {
    owner: `${hostname()} pid ${process.pid}`,
    ttlMs: deps.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    hostname: hostname(),
    pid: process.pid,
  });
  const id = newBackupId(store, started);
  // A fresh volume has no work directory yet.
  if (deps.workDir) await mkdir(deps.workDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(path.join(deps.workDir ?? tmpdir(), `qm-backup-${store}-`));
  try {
    let manifest: Manifest;
    try {
      const captured = await source.capture(work);
      const files: BackupFile[] = [];
      for (const name of captured.files) {
        const file = path.join(work, name);
        const [sha256, { size }] = await Promise.all([sha256File(file), stat(file)]);
        await storage.putFile(store, id, name, file, sha256);
        files.push({ name, size, sha256 });
      }
      manifest = {
        formatVersion: 1,
        id,
        store,
        startedAt: started.toISOString(),
        completedAt: new Date().toISOString(),
        source: { url: captured.url, serverVersion: captured.serverVersion, details: captured.details },
        files,
        totalBytes: files.reduce((sum, f) => sum + f.size, 0),
      };
      await storage.commit(manifest);
    } catch (error) {
      await storage.abort(store, id).catch((cleanup: unknown) => logger.warn({ err: cleanup, id }, "could not remove the failed backup's files"));
      await recordMetric(deps, store, { ok: false, durationMs: Date.now() - started.getTime() });
      logger.error({ err: error, store, id, storage: storage.description }, `backup of ${store} failed`);
      throw error;
    }
    await recordMetric(deps, store, { ok: true, bytes: manifest.totalBytes, durationMs: Date.now() - started.getTime() });
    logger.info({ store, id, bytes: manifest.totalBytes, storage: storage.description }, `backup of ${store} complete`);
    await prune(store, deps);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
    await release();
  }
}

/** Applies the retention policy to the store's complete backups; returns the ids deleted. */
export async function prune(store: BackupStore, deps: Pick<BackupDeps, "storage" | "retention" | "logger">): Promise<string[]> {
  const { prune: doomed } = planRetention(await deps.storage.list(store), deps.retention);
  for (const manifest of doomed) await deps.storage.delete(manifest);
  if (doomed.length > 0) deps.logger.info({ store, deleted: doomed.map((m) => m.id) }, `pruned ${doomed.length} ${store} backups`);
  return doomed.map((m) => m.id);
}

async function recordMetric(deps: BackupDeps, store: BackupStore, outcome: Parameters<BackupMetrics["record"]>[1]): Promise<void> {
  try {
    await deps.metrics?.record(store, outcome);
  } catch (error) {
    deps.logger.warn({ err: error }, "could not write the backup metrics file");
  }
}
