import { randomBytes } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupLockedError, BackupStorageError } from "../../services/backup/errors.js";
import type { BackupStore, Manifest } from "../../services/backup/manifest.js";
import { prune, runBackup, type BackupDeps } from "../../services/backup/run-backup.js";
import type { BackupSource } from "../../services/backup/source.js";
import { LocalDirectoryStorage } from "../../services/backup/storage/local-storage.js";
import { S3Storage } from "../../services/backup/storage/s3-storage.js";
import type { BackupStorage } from "../../services/backup/storage/storage.js";
import { sha256File } from "../../services/backup/qdrant/qdrant-source.js";
import { createLogger } from "../../services/shared/logger.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { startS3Server, type TestS3Server } from "./helpers/s3-server.js";

const logger = createLogger("backup-test", { level: "silent" });
const CREDENTIALS = { accessKeyId: "AKIDQMTEST", secretAccessKey: "test-secret-key" };
const REGION = "eu-west-2";
let temp: { dir: string; remove: () => Promise<void> };
let s3: TestS3Server;

/** A source that writes two files of random bytes, as a store would. */
const fileSource: BackupSource = {
  store: "qdrant",
  async capture(workDir) {
    await writeFile(path.join(workDir, "a.snapshot"), randomBytes(20_000));
    await writeFile(path.join(workDir, "b.snapshot"), randomBytes(300));
    return { files: ["a.snapshot", "b.snapshot"], url: "http://qdrant:6333", serverVersion: "1.17.0", details: { mode: "collections" } };
  },
};

/** Completes a backup with a chosen start time, through the storage's own put/commit. */
async function seed(storage: BackupStorage, store: BackupStore, id: string, startedAt: string): Promise<Manifest> {
  const file = path.join(temp.dir, `${id}.bin`);
  await writeFile(file, id);
  const sha256 = await sha256File(file);
  await storage.putFile(store, id, "data.bin", file, sha256);
  const manifest: Manifest = {
    formatVersion: 1,
    id,
    store,
    startedAt,
    completedAt: startedAt,
    source: { url: "x", serverVersion: "1", details: {} },
    files: [{ name: "data.bin", size: id.length, sha256 }],
    totalBytes: id.length,
  };
  await storage.commit(manifest);
  return manifest;
}

const cases: [string, () => BackupStorage][] = [
  ["local directory", () => new LocalDirectoryStorage(path.join(temp.dir, "backups"))],
  ["S3", () => new S3Storage({ bucket: s3.bucket, prefix: "qm/", region: REGION, endpoint: s3.url, credentials: CREDENTIALS })],
];

beforeEach(async () => {
  temp = await makeTempDir("qm-backup-storage-");
  s3 = await startS3Server({ bucket: "qm-backups", accessKeyId: CREDENTIALS.accessKeyId, region: REGION });
});
afterEach(async () => {
  expect(s3.violations).toEqual([]);
  await s3.close();
  await temp.remove();
});

describe.each(cases)("%s storage", (_name, make) => {
  it("stores a run's files and manifest, lists it, and returns the same bytes", async () => {
    const storage = make();
    const deps: BackupDeps = { storage, sources: { qdrant: fileSource }, retention: { hourly: 5, daily: 5, weekly: 5 }, logger, workDir: temp.dir };
    const manifest = await runBackup("qdrant", deps);
    expect((await storage.list()).map((m) => m.id)).toEqual([manifest.id]);
    const out = path.join(temp.dir, "out.snapshot");
    await storage.fetchFile(manifest, "a.snapshot", out);
    expect(await sha256File(out)).toBe(manifest.files[0]!.sha256);
  });

  it("retention prunes exactly the right backups, files and all", async () => {
    const storage = make();
    const times = ["2026-11-22T10:30:00.000Z", "2026-11-22T10:10:00.000Z", "2026-11-22T09:00:00.000Z", "2026-11-21T09:00:00.000Z", "2026-11-14T09:00:00.000Z", "2026-11-01T09:00:00.000Z"];
    const ids = ["redis-20261122T103000Z-000001", "redis-20261122T101000Z-000002", "redis-20261122T090000Z-000003", "redis-20261121T090000Z-000004", "redis-20261114T090000Z-000005", "redis-20261101T090000Z-000006"];
    for (const [i, id] of ids.entries()) await seed(storage, "redis", id, times[i]!);
    // hourly 2: 10:30, 09:00; daily 2: 22nd (10:30), 21st; weekly 2: week 47 (10:30), week 46 (14th).
    const deleted = await prune("redis", { storage, retention: { hourly: 2, daily: 2, weekly: 2 }, logger });
    expect(deleted.sort()).toEqual([ids[1], ids[5]].sort());
    expect((await storage.list("redis")).map((m) => m.id)).toEqual([ids[4], ids[3], ids[2], ids[0]]);
    await expect(storage.fetchFile(await manifestOf(ids[1]!), "data.bin", path.join(temp.dir, "gone"))).rejects.toBeInstanceOf(BackupStorageError);
  });

  it("holds one lock per store: a second taker is refused, an expired lock is taken over", async () => {
    const storage = make();
    const release = await storage.acquireLock("redis", { owner: "host-a pid 1", ttlMs: 60_000 });
    await expect(storage.acquireLock("redis", { owner: "host-b pid 2", ttlMs: 60_000 })).rejects.toThrow(BackupLockedError);
    await expect(storage.acquireLock("redis", { owner: "host-b pid 2", ttlMs: 60_000 })).rejects.toThrow(/host-a pid 1/);
    const other = await storage.acquireLock("qdrant", { owner: "host-b pid 2", ttlMs: 60_000 });
    await other();
    await release();
    const crashed = await storage.acquireLock("redis", { owner: "crashed", ttlMs: -1 });
    void crashed; // never released: a crashed run
    const next = await storage.acquireLock("redis", { owner: "host-c pid 3", ttlMs: 60_000 });
    await next();
  });
});

async function manifestOf(id: string): Promise<Manifest> {
  return { formatVersion: 1, id, store: "redis", startedAt: "2026-11-22T10:10:00.000Z", completedAt: "2026-11-22T10:10:00.000Z", source: { url: "x", serverVersion: "1", details: {} }, files: [{ name: "data.bin", size: 1, sha256: "0".repeat(64) }], totalBytes: 1 };
}

describe("S3 storage protocol", () => {
  const storage = () => new S3Storage({ bucket: s3.bucket, prefix: "qm/", region: REGION, endpoint: s3.url, credentials: CREDENTIALS });

  it("encrypts every object, sends its sha256, and writes the manifest after the files", async () => {
    const manifest = await runBackup("qdrant", { storage: storage(), sources: { qdrant: fileSource }, retention: { hourly: 1, daily: 0, weekly: 0 }, logger, workDir: temp.dir });
    for (const [key, object] of s3.objects) expect([key, object.sse]).toEqual([key, "AES256"]);
    const puts = s3.log.filter((l) => l.startsWith("PUT qm/qdrant/"));
    expect(puts).toEqual([`PUT qm/qdrant/${manifest.id}/a.snapshot`, `PUT qm/qdrant/${manifest.id}/b.snapshot`, `PUT qm/qdrant/${manifest.id}/manifest.json`]);
    // The lock object was created and removed.
    expect(s3.log).toContain("PUT qm/locks/qdrant.lock");
    expect(s3.objects.has("qm/locks/qdrant.lock")).toBe(false);
  });

  it("uses aws:kms with the given key when asked", async () => {
    const kms = new S3Storage({ bucket: s3.bucket, region: REGION, endpoint: s3.url, credentials: CREDENTIALS, serverSideEncryption: "aws:kms", kmsKeyId: "alias/qm" });
    await runBackup("qdrant", { storage: kms, sources: { qdrant: fileSource }, retention: { hourly: 1, daily: 0, weekly: 0 }, logger, workDir: temp.dir });
    expect([...s3.objects.values()].every((o) => o.sse === "aws:kms")).toBe(true);
  });

  it("a run that fails half-way leaves nothing that looks complete and removes what it uploaded", async () => {
    s3.failPuts = (key) => key.endsWith("/manifest.json");
    const failure = runBackup("qdrant", { storage: storage(), sources: { qdrant: fileSource }, retention: { hourly: 1, daily: 0, weekly: 0 }, logger, workDir: temp.dir });
    await expect(failure).rejects.toBeInstanceOf(BackupStorageError);
    expect(await storage().list()).toEqual([]);
    expect([...s3.objects.keys()]).toEqual([]);
    expect(await readdir(temp.dir)).toEqual([]);
  });
});

describe("local directory storage", () => {
  it("never lists a staged backup without its manifest", async () => {
    const storage = new LocalDirectoryStorage(path.join(temp.dir, "backups"));
    const file = path.join(temp.dir, "x");
    await writeFile(file, "x");
    await storage.putFile("redis", "redis-20261122T103000Z-00000a", "dump.rdb", file, await sha256File(file));
    expect(await storage.list()).toEqual([]);
    // The file is there, staged; only a manifest would make it a backup.
    expect(await readFile(path.join(temp.dir, "backups", ".staging", "redis-20261122T103000Z-00000a", "dump.rdb"), "utf8")).toBe("x");
  });
});
