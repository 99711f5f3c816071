/**
 * A backup killed with SIGKILL leaves its lock behind. The next run takes it over at once when the
 * holder ran on this host and its pid is gone, instead of failing BACKUP_LOCKED for the lock's
 * whole six-hour lifetime; a live holder, or one on another host, still keeps it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupLockedError } from "../../services/backup/errors.js";
import { DEFAULT_LOCK_TTL_MS } from "../../services/backup/run-backup.js";
import { LocalDirectoryStorage } from "../../services/backup/storage/local-storage.js";
import { S3Storage } from "../../services/backup/storage/s3-storage.js";
import type { BackupStorage, LockOwner } from "../../services/backup/storage/storage.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { startS3Server, type TestS3Server } from "./helpers/s3-server.js";

const CREDENTIALS = { accessKeyId: "AKIDQMTEST", secretAccessKey: "test-secret-key" };
const REGION = "eu-west-2";
let temp: { dir: string; remove: () => Promise<void> };
let s3: TestS3Server;
const children: ChildProcess[] = [];

beforeEach(async () => {
  temp = await makeTempDir("qm-backup-lock-");
  s3 = await startS3Server({ bucket: "qm-backups", accessKeyId: CREDENTIALS.accessKeyId, region: REGION });
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  expect(s3.violations).toEqual([]);
  await s3.close();
  await temp.remove();
});

/** A real process that sleeps until killed. */
async function sleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function ownerFor(pid: number, host = hostname()): LockOwner {
  return { owner: `${host} pid ${pid}`, ttlMs: DEFAULT_LOCK_TTL_MS, hostname: host, pid };
}

const cases: [string, () => BackupStorage][] = [
  ["local", () => new LocalDirectoryStorage(path.join(temp.dir, "backups"))],
  ["S3", () => new S3Storage({ bucket: s3.bucket, prefix: "qm/", region: REGION, endpoint: s3.url, credentials: CREDENTIALS })],
];

describe.each(cases)("%s storage lock", (_name, make) => {
  it("is taken over when its holder on this host was killed", async () => {
    const storage = make();
    const victim = await sleeper();
    await storage.acquireLock("redis", ownerFor(victim.pid!)); // never released: the run is killed
    await expect(storage.acquireLock("redis", ownerFor(process.pid))).rejects.toThrow(BackupLockedError);
    await killHard(victim);
    const release = await storage.acquireLock("redis", ownerFor(process.pid));
    // Ours now: a third taker is refused, naming us.
    await expect(storage.acquireLock("redis", ownerFor(process.pid + 1))).rejects.toThrow(new RegExp(`pid ${process.pid}\\b`));
    await release();
  });

  it("is kept while its holder lives, or when it runs on another host", async () => {
    const storage = make();
    const live = await sleeper();
    await storage.acquireLock("redis", ownerFor(live.pid!));
    await expect(storage.acquireLock("redis", ownerFor(process.pid))).rejects.toThrow(/already running/);

    // A pid that does not exist here says nothing about a process on another machine.
    const gone = await sleeper();
    await killHard(gone);
    await storage.acquireLock("qdrant", ownerFor(gone.pid!, "some-other-host"));
    await expect(storage.acquireLock("qdrant", ownerFor(process.pid))).rejects.toThrow(/some-other-host/);
  });
});
