/**
 * Restoring a backup: fetch its files, check each against the manifest's size and sha256 (and
 * an RDB's own checksum), then hand them to the store. Nothing is changed before every file of the
 * backup has passed.
 *
 * Redis: the RDB is installed into the data directory of a *stopped* server, as dump.rdb and as
 * the base of a fresh multi-part AOF, so the server loads it when it starts whether appendonly is
 * on or off. An existing AOF would be loaded instead and silently win, so one is refused unless
 * `force` moves it aside. Qdrant: each collection snapshot is uploaded to the recover API with
 * `priority=snapshot` and the manifest's checksum, which Qdrant verifies before it replaces data.
 */
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BackupCorruptError, BackupNotFoundError, RestoreRefusedError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import { collectionFileName, FULL_SNAPSHOT_FILE, sha256File } from "./qdrant/qdrant-source.js";
import type { QdrantSnapshotClient } from "./qdrant/qdrant-snapshots.js";
import { verifyRdb, type VerifyRdbOptions } from "./redis/rdb.js";
import { RDB_FILE_NAME } from "./redis/redis-source.js";
import type { BackupStorage } from "./storage/storage.js";

/** Redis 7's multi-part AOF with the default appenddirname and appendfilename. */
const AOF_DIR_NAME = "appendonlydir";
const AOF_BASE_NAME = "appendonly.aof.1.base.rdb";
const AOF_MANIFEST_NAME = "appendonly.aof.manifest";

export interface RestoreTargets {
  /** Data directory of the stopped Redis to restore into (holds dump.rdb). */
  redisDataDir?: string;
  /** Move an existing AOF and RDB aside instead of refusing. */
  force?: boolean;
  qdrant?: QdrantSnapshotClient;
  verify?: VerifyRdbOptions;
  workDir?: string;
}

export interface RestoreResult {
  manifest: Manifest;
  /** What was done, one line each, for the operator. */
  steps: string[];
}

export async function findBackup(storage: BackupStorage, id: string): Promise<Manifest> {
  const manifest = (await storage.list()).find((m) => m.id === id);
  if (!manifest) throw new BackupNotFoundError(id);
  return manifest;
}

export async function restoreBackup(storage: BackupStorage, id: string, targets: RestoreTargets): Promise<RestoreResult> {
  const manifest = await findBackup(storage, id);
  if (manifest.store === "redis" && !targets.redisDataDir) throw new RestoreRefusedError("restoring Redis needs --redis-data-dir: the data directory of the stopped Redis server");
  if (manifest.store === "qdrant" && !targets.qdrant) throw new RestoreRefusedError("restoring Qdrant needs QDRANT_URL (and QDRANT_API_KEY) of the server to recover into");
  if (manifest.store === "qdrant" && manifest.files.some((f) => f.name === FULL_SNAPSHOT_FILE)) {
    throw new RestoreRefusedError(
      `${id} is a full-storage snapshot, which Qdrant restores only at start-up: download it with ` +
        "`quantmind backup restore --download <dir>` and start Qdrant with `--storage-snapshot <file> --force-snapshot`",
    );
  }
  if (targets.workDir) await mkdir(targets.workDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(path.join(targets.workDir ?? tmpdir(), "qm-restore-"));
  try {
    await fetchVerified(storage, manifest, work, targets.verify);
    const steps = manifest.store === "redis" ? await installRdb(work, targets.redisDataDir!, targets.force ?? false) : await recoverQdrant(work, manifest, targets.qdrant!);
    return { manifest, steps };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Fetches every file of the backup into `dir` and refuses the backup if any differs from its manifest. */
export async function fetchVerified(storage: BackupStorage, manifest: Manifest, dir: string, verify?: VerifyRdbOptions): Promise<void> {
  for (const file of manifest.files) {
    const local = path.join(dir, file.name);
    await storage.fetchFile(manifest, file.name, local);
    const { size } = await stat(local);
    const sha256 = await sha256File(local);
    if (size !== file.size || sha256 !== file.sha256) {
      throw new BackupCorruptError(
        `${manifest.id}/${file.name} is damaged (${size} bytes, sha256 ${sha256.slice(0, 12)}..., the manifest says ${file.size} bytes, ${file.sha256.slice(0, 12)}...); ` +
          "it is refused: restore an older backup (`quantmind backup list`)",
      );
    }
    if (file.name === RDB_FILE_NAME) await verifyRdb(local, verify);
  }
}

async function installRdb(work: string, dataDir: string, force: boolean): Promise<string[]> {
  const steps: string[] = [];
  const entries = await readdir(dataDir).catch(() => {
    throw new RestoreRefusedError(`${dataDir} does not exist or cannot be read: create it, or point --redis-data-dir at the Redis data directory`);
  });
  const aof = entries.filter((name) => name === "appendonlydir" || name.endsWith(".aof"));
  const existing = [...aof, ...entries.filter((name) => name === RDB_FILE_NAME)];
  if (existing.length > 0 && !force) {
    throw new RestoreRefusedError(
      `${dataDir} already holds ${existing.join(", ")}; Redis would load its AOF instead of the restored RDB. ` +
        "Stop Redis and pass --force to move them aside (nothing is deleted)",
    );
  }
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  for (const name of existing) {
    const aside = `${name}.before-restore-${stamp}`;
    await rename(path.join(dataDir, name), path.join(dataDir, aside));
    steps.push(`moved ${name} aside to ${aside}`);
  }
  const temp = path.join(dataDir, `${RDB_FILE_NAME}.restore-tmp`);
  await copyFile(path.join(work, RDB_FILE_NAME), temp);
  await rename(temp, path.join(dataDir, RDB_FILE_NAME));
  // With appendonly yes, Redis 7 loads only its multi-part AOF and ignores dump.rdb; an AOF whose
  // base is this RDB makes the same file load either way.
  const aofDir = path.join(dataDir, AOF_DIR_NAME);
  await mkdir(aofDir);
  await copyFile(path.join(work, RDB_FILE_NAME), path.join(aofDir, AOF_BASE_NAME));
  await writeFile(path.join(aofDir, AOF_MANIFEST_NAME), `file ${AOF_BASE_NAME} seq 1 type b\n`);
  steps.push(`installed ${RDB_FILE_NAME} and ${AOF_DIR_NAME}/${AOF_BASE_NAME} in ${dataDir}: start Redis now (7.0 or later; appendonly on or off)`);
  return steps;
}

async function recoverQdrant(work: string, manifest: Manifest, client: QdrantSnapshotClient): Promise<string[]> {
  const steps: string[] = [];
  for (const file of manifest.files) {
    const collection = file.name.replace(/\.snapshot$/, "");
    if (collectionFileName(collection) !== file.name) continue;
    await client.recover(collection, path.join(work, file.name), file.sha256);
    steps.push(`recovered collection ${collection} on ${client.displayUrl} (priority snapshot)`);
  }
  return steps;
}
