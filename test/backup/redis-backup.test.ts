import { mkdir, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BackupCorruptError, BackupLockedError, RestoreRefusedError } from "../../services/backup/errors.js";
import { TextfileMetrics } from "../../services/backup/metrics.js";
import { verifyRdb } from "../../services/backup/redis/rdb.js";
import { RedisSource } from "../../services/backup/redis/redis-source.js";
import { restoreBackup } from "../../services/backup/restore.js";
import { runBackup, type BackupDeps } from "../../services/backup/run-backup.js";
import { LocalDirectoryStorage } from "../../services/backup/storage/local-storage.js";
import { createLogger } from "../../services/shared/logger.js";
import { startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const KEYS = 500;
let temp: { dir: string; remove: () => Promise<void> };
let redis: TestRedis | undefined;
let fresh: TestRedis | undefined;
let logLines: string[];

function deps(overrides: Partial<BackupDeps> = {}): BackupDeps {
  const server = redis!;
  logLines = [];
  return {
    storage: new LocalDirectoryStorage(path.join(temp.dir, "backups")),
    sources: {
      redis: new RedisSource({
        target: { host: "127.0.0.1", port: server.port, password: server.password },
        rdbPath: path.join(server.dataDir, "dump.rdb"),
        pollMs: 20,
      }),
    },
    retention: { hourly: 24, daily: 7, weekly: 4 },
    metrics: new TextfileMetrics(path.join(temp.dir, "metrics", "backup.prom")),
    logger: createLogger("backup-test", { level: "info", destination: { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream }),
    workDir: temp.dir,
    ...overrides,
  };
}

async function writeKeys(server: TestRedis): Promise<void> {
  for (let i = 0; i < KEYS; i++) await server.command("SET", `qm:test:${i}`, `value-${i}-${"x".repeat(i % 50)}`);
  await server.command("HSET", "qm:test:hash", "a", "1", "b", "2");
  await server.command("XADD", "qm:test:stream", "*", "event", "fill");
}

beforeEach(async () => {
  temp = await makeTempDir("qm-backup-redis-");
  redis = await startRedis(path.join(temp.dir, "redis-a"));
});

afterEach(async () => {
  await redis?.stop();
  await fresh?.stop();
  redis = fresh = undefined;
  await temp.remove();
});

describe("Redis backup and restore with a real redis-server", () => {
  it("backs up, loses the server, restores into a fresh one with every key back", async () => {
    await writeKeys(redis!);
    const d = deps();
    const manifest = await runBackup("redis", d);

    expect(manifest.store).toBe("redis");
    expect(manifest.files).toHaveLength(1);
    expect(manifest.files[0]!.name).toBe("dump.rdb");
    expect(manifest.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.source.serverVersion).toMatch(/^\d+\.\d+/);
    expect(manifest.source.details["rdbVersion"]).toBeGreaterThan(5);
    expect((await d.storage.list("redis")).map((m) => m.id)).toEqual([manifest.id]);
    const metrics = await readFile(path.join(temp.dir, "metrics", "backup.prom"), "utf8");
    expect(metrics).toMatch(/^qm_backup_last_run_ok\{store="redis"\} 1$/m);
    expect(metrics).toMatch(/^qm_backup_last_size_bytes\{store="redis"\} [1-9]\d*$/m);

    // Lose the server and its data entirely.
    await redis!.stop();
    await rm(redis!.dataDir, { recursive: true, force: true });
    redis = undefined;

    const freshDir = path.join(temp.dir, "redis-b");
    await mkdir(freshDir);
    const { steps } = await restoreBackup(d.storage, manifest.id, { redisDataDir: freshDir, workDir: temp.dir });
    expect(steps.at(-1)).toContain("installed dump.rdb and appendonlydir");

    fresh = await startRedis(freshDir);
    expect(await fresh.command("DBSIZE")).toBe(KEYS + 2);
    const keys = Array.from({ length: KEYS }, (_, i) => `qm:test:${i}`);
    expect(await fresh.command("MGET", ...keys)).toEqual(keys.map((_, i) => `value-${i}-${"x".repeat(i % 50)}`));
    expect(await fresh.command("HGET", "qm:test:hash", "b")).toBe("2");
    expect(await fresh.command("XLEN", "qm:test:stream")).toBe(1);
    // With appendonly on, the restored server writes a new AOF from the RDB, so a restart keeps the data.
    expect(await readdir(freshDir)).toContain("appendonlydir");
  });

  it("refuses to restore over an existing AOF unless forced, and then moves it aside", async () => {
    await writeKeys(redis!);
    const d = deps();
    const manifest = await runBackup("redis", d);
    await redis!.stop();
    await expect(restoreBackup(d.storage, manifest.id, { redisDataDir: redis!.dataDir })).rejects.toBeInstanceOf(RestoreRefusedError);
    const { steps } = await restoreBackup(d.storage, manifest.id, { redisDataDir: redis!.dataDir, force: true });
    expect(steps.some((s) => s.startsWith("moved appendonlydir aside"))).toBe(true);
    redis = await startRedis(redis!.dataDir);
    expect(await redis.command("DBSIZE")).toBe(KEYS + 2);
  });

  it("detects a truncated or corrupted backup and refuses to restore it", async () => {
    await writeKeys(redis!);
    const d = deps();
    const manifest = await runBackup("redis", d);
    const stored = path.join(temp.dir, "backups", "redis", manifest.id, "dump.rdb");
    const target = path.join(temp.dir, "restore-target");
    await mkdir(target);

    // One flipped byte in the middle.
    const original = await readFile(stored);
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    await writeFile(stored, flipped);
    await expect(restoreBackup(d.storage, manifest.id, { redisDataDir: target })).rejects.toBeInstanceOf(BackupCorruptError);
    expect(await readdir(target)).toEqual([]);

    // Truncated.
    await writeFile(stored, original);
    await truncate(stored, original.length - 100);
    await expect(restoreBackup(d.storage, manifest.id, { redisDataDir: target })).rejects.toThrow(/damaged/);
    expect(await readdir(target)).toEqual([]);
  });

  it("verifies RDB files on their own: CRC-64 trailer, EOF marker, magic", async () => {
    await writeKeys(redis!);
    await runBackup("redis", deps());
    const rdb = await readFile(path.join(redis!.dataDir, "dump.rdb"));
    const check = async (bytes: Buffer) => {
      const file = path.join(temp.dir, `check-${Math.random()}.rdb`);
      await writeFile(file, bytes);
      return verifyRdb(file, { redisCheckRdb: false });
    };
    await expect(check(rdb)).resolves.toMatchObject({ checkedBy: "crc64" });
    const bad = Buffer.from(rdb);
    bad[20]! ^= 0x01;
    await expect(check(bad)).rejects.toThrow(/CRC-64 .* does not match/);
    await expect(check(rdb.subarray(0, rdb.length - 1))).rejects.toThrow(/end-of-file marker|CRC-64/);
    await expect(check(Buffer.concat([Buffer.from("NOTIT"), rdb.subarray(5)]))).rejects.toThrow(/no REDIS magic/);
  });

  it("a failed run leaves no backup that looks complete, exits with an error, logs it and counts it", async () => {
    await writeKeys(redis!);
    const d = deps({
      sources: {
        redis: new RedisSource({
          target: { host: "127.0.0.1", port: redis!.port, password: redis!.password },
          // The wrong file: the run must notice it is not what the server just saved.
          rdbPath: path.join(temp.dir, "not-the-data-dir", "dump.rdb"),
          pollMs: 20,
        }),
      },
    });
    await expect(runBackup("redis", d)).rejects.toThrow(/mount Redis's data volume/);
    expect(await d.storage.list()).toEqual([]);
    expect(await readdir(path.join(temp.dir, "backups", ".staging")).catch(() => [])).toEqual([]);
    expect(logLines.some((line) => JSON.parse(line).level === 50 && line.includes("backup of redis failed"))).toBe(true);
    const metrics = await readFile(path.join(temp.dir, "metrics", "backup.prom"), "utf8");
    expect(metrics).toMatch(/^qm_backup_failures_total\{store="redis"\} 1$/m);
    expect(metrics).toMatch(/^qm_backup_last_run_ok\{store="redis"\} 0$/m);
    // The lock was released: the next run can go ahead.
    await expect(runBackup("redis", deps())).resolves.toMatchObject({ store: "redis" });
  });

  it("retention after real runs prunes exactly the older backups of the same hour, day and week, keeping the newest", async () => {
    await writeKeys(redis!);
    const d = deps({ retention: { hourly: 1, daily: 1, weekly: 1 } });
    const ids: string[] = [];
    for (let run = 0; run < 3; run++) {
      await redis!.command("SET", "qm:test:run", String(run));
      ids.push((await runBackup("redis", d)).id);
      // Runs within one hour share every bucket: only the newest survives each run.
      expect((await d.storage.list("redis")).map((m) => m.id)).toEqual([ids.at(-1)]);
    }
    expect(await readdir(path.join(temp.dir, "backups", "redis"))).toEqual([ids[2]]);
  });

  it("two concurrent runs do not clobber each other: one runs, the other is refused by the lock", async () => {
    await writeKeys(redis!);
    const storageRoot = path.join(temp.dir, "backups");
    const results = await Promise.allSettled([runBackup("redis", deps()), runBackup("redis", deps())]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(BackupLockedError);
    const listed = await new LocalDirectoryStorage(storageRoot).list("redis");
    expect(listed.map((m) => m.id)).toEqual([(ok[0] as PromiseFulfilledResult<{ id: string }>).value.id]);
    // The complete backup is intact.
    const rdb = path.join(storageRoot, "redis", listed[0]!.id, "dump.rdb");
    await expect(verifyRdb(rdb)).resolves.toBeDefined();
  });
});
