/**
 * `quantmind backup ...` end to end, through the real CLI against a private redis-server: a run
 * prints its id and exits 0, `list` shows it, `restore` brings it back into a fresh server, and a
 * failed run exits non-zero with one `quantmind:` line, an error log line and the failure metric.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli-server.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis-server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const exec = promisify(execFile);
let temp: { dir: string; remove: () => Promise<void> };
let redis: TestRedis;
let fresh: TestRedis | undefined;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith("QDRANT_") || key.startsWith("BACKUP_") || key.startsWith("REDIS_")) delete base[key];
  return {
    ...base,
    BACKUP_DIR: path.join(temp.dir, "backups"),
    REDIS_URL: redis.url,
    REDIS_RDB_PATH: path.join(redis.dataDir, "dump.rdb"),
    REDIS_PASSWORD_FILE: path.join(temp.dir, "redis-password"),
    LOG_LEVEL: "info",
    ...extra,
  };
}

async function cli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, "backup", ...args], { env: env(extra), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  temp = await makeTempDir("qm-backup-cli-");
  redis = await startRedis(path.join(temp.dir, "redis-a"));
  await writeFile(path.join(temp.dir, "redis-password"), `${redis.password}\n`);
  for (let i = 0; i < 50; i++) await redis.command("SET", `qm:cli:${i}`, String(i));
});

afterAll(async () => {
  await redis?.stop();
  await fresh?.stop();
  await temp.remove();
});

describe("quantmind backup (CLI)", () => {
  it("run redis, list, restore into a fresh server", async () => {
    const run = await cli(["run", "redis"]);
    expect(run.stderr).toContain('"msg":"backup of redis complete"');
    expect(run.code).toBe(0);
    const id = /^(redis-\d{8}T\d{6}Z-[0-9a-f]{6}) /m.exec(run.stdout)?.[1];
    expect(id).toBeDefined();

    const list = await cli(["list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    const json = JSON.parse((await cli(["list", "--json", "--store", "redis"])).stdout) as { id: string; files: { sha256: string }[] }[];
    expect(json.map((m) => m.id)).toEqual([id]);

    const target = path.join(temp.dir, "redis-b");
    await mkdir(target);
    const restore = await cli(["restore", id!, "--redis-data-dir", target]);
    expect(restore.code).toBe(0);
    fresh = await startRedis(target);
    expect(await fresh.command("DBSIZE")).toBe(50);
    expect(await fresh.command("GET", "qm:cli:42")).toBe("42");
  });

  it("a failed run exits non-zero, says what to do, logs an error line and counts the failure", async () => {
    const closed = await freePort();
    const failed = await cli(["run", "redis"], { REDIS_URL: `redis://127.0.0.1:${closed}` });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/"level":50,.*"msg":"backup of redis failed"/);
    expect(failed.stderr).toMatch(/^quantmind: cannot connect to Redis at 127\.0\.0\.1:\d+ .*check REDIS_URL/m);
    const metrics = await readFile(path.join(temp.dir, "backups", "metrics", "backup.prom"), "utf8");
    expect(metrics).toMatch(/^qm_backup_failures_total\{store="redis"\} 1$/m);
  });

  it("run redis without REDIS_URL is bad configuration: one line naming the variable, exit 2, no stack trace", async () => {
    const result = await cli(["run", "redis"], { REDIS_URL: "", LOG_LEVEL: "warn" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual(["quantmind: no redis source configured: set REDIS_URL for the backup service"]);
    expect(result.stdout).toBe("");
  });

  it("run all with neither REDIS_URL nor QDRANT_URL is bad configuration too (exit 2)", async () => {
    const result = await cli(["run", "all"], { REDIS_URL: "", LOG_LEVEL: "warn" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual(["quantmind: no store to back up: set REDIS_URL and/or QDRANT_URL"]);
  });

  it("refuses a restore of an unknown id and a bad schedule, naming what to fix", async () => {
    const unknown = await cli(["restore", "redis-20260101T000000Z-abcdef", "--redis-data-dir", temp.dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("quantmind backup list");
    const schedule = await cli(["schedule"], { BACKUP_SCHEDULE_REDIS: "every hour" });
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toMatch(/BACKUP_SCHEDULE_REDIS="every hour".*5-field cron/);
  });
});
