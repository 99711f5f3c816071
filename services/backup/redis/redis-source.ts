/**
 * Redis backups: BGSAVE, wait until that save has finished, then copy the RDB file from the data
 * volume (mounted read-only into the backup container) and verify it before it counts.
 *
 * `BGSAVE SCHEDULE` waits for an AOF rewrite in progress instead of failing. Completion is
 * judged by `rdb_saves` (Redis >= 7) or LASTSAVE moving past the value read before the save, with
 * `rdb_bgsave_in_progress:0` and `rdb_last_bgsave_status:ok`.
 */
import { copyFile, stat } from "node:fs/promises";
import path from "node:path";
import { BackupSourceError } from "../errors.js";
import type { BackupSource, CapturedBackup } from "../source.js";
import { verifyRdb, type VerifyRdbOptions } from "./rdb.js";
import { parseInfo, RedisConnection, type RedisTarget } from "./redis-connection.js";

export const RDB_FILE_NAME = "dump.rdb";

export interface RedisSourceOptions {
  target: RedisTarget;
  /** The server's RDB file as this process sees it, e.g. /data/dump.rdb (REDIS_RDB_PATH). */
  rdbPath: string;
  /** Longest wait for BGSAVE; default 30 min. */
  saveTimeoutMs?: number;
  /** Poll interval while waiting; default 200 ms. */
  pollMs?: number;
  verify?: VerifyRdbOptions;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisSource implements BackupSource {
  readonly store = "redis" as const;

  constructor(private readonly options: RedisSourceOptions) {}

  async capture(workDir: string): Promise<CapturedBackup> {
    const { target, rdbPath } = this.options;
    const url = `redis://${target.host}:${target.port}`;
    const connection = await RedisConnection.open(target);
    let serverVersion: string;
    let savedAtMs: number;
    try {
      serverVersion = parseInfo(String(await connection.command("INFO", "server"))).get("redis_version") ?? "unknown";
      savedAtMs = await this.bgsave(connection, url);
    } finally {
      await connection.close();
    }

    const { mtimeMs } = await stat(rdbPath).catch((error: Error) => {
      throw new BackupSourceError(`cannot read ${rdbPath} (${error.message}): mount Redis's data volume there (read-only) or set REDIS_RDB_PATH`);
    });
    // A file older than our save means we are looking at some other directory than the server writes.
    if (mtimeMs < savedAtMs - 2000) {
      throw new BackupSourceError(
        `${rdbPath} was last written at ${new Date(mtimeMs).toISOString()}, before the BGSAVE that just finished: ` +
          "is REDIS_RDB_PATH the file this Redis saves to (its dir and dbfilename)?",
      );
    }
    const copy = path.join(workDir, RDB_FILE_NAME);
    await copyFile(rdbPath, copy);
    const facts = await verifyRdb(copy, this.options.verify);
    return { files: [RDB_FILE_NAME], url, serverVersion, details: { rdbVersion: facts.rdbVersion, verifiedBy: facts.checkedBy } };
  }

  /** Runs BGSAVE and waits for it; returns when the save finished (ms since epoch, our clock). */
  private async bgsave(connection: RedisConnection, url: string): Promise<number> {
    const timeoutMs = this.options.saveTimeoutMs ?? 30 * 60_000;
    const pollMs = this.options.pollMs ?? 200;
    const deadline = Date.now() + timeoutMs;
    const persistence = async () => parseInfo(String(await connection.command("INFO", "persistence")));

    let before = await persistence();
    while (before.get("rdb_bgsave_in_progress") === "1") {
      if (Date.now() > deadline) break;
      await sleep(pollMs);
      before = await persistence();
    }
    const savesBefore = before.get("rdb_saves");
    let lastSaveBefore = Number(await connection.command("LASTSAVE"));
    // LASTSAVE has one-second resolution: start in a later second than the last save, so a change is visible.
    while (Math.floor(Date.now() / 1000) <= lastSaveBefore) await sleep(50);
    lastSaveBefore = Number(await connection.command("LASTSAVE"));
    const startedMs = Date.now();

    await connection.command("BGSAVE", "SCHEDULE");
    for (;;) {
      const info = await persistence();
      const finished =
        info.get("rdb_bgsave_in_progress") === "0" &&
        (savesBefore !== undefined ? Number(info.get("rdb_saves")) > Number(savesBefore) : Number(await connection.command("LASTSAVE")) > lastSaveBefore);
      if (finished) {
        if (info.get("rdb_last_bgsave_status") !== "ok") {
          throw new BackupSourceError(`Redis ${url} reports its background save failed (rdb_last_bgsave_status:${info.get("rdb_last_bgsave_status")}): check its log and free disk space`);
        }
        return startedMs;
      }
      if (Date.now() > deadline) throw new BackupSourceError(`Redis ${url} BGSAVE did not finish in ${timeoutMs / 1000} s: check its log; raise BACKUP_REDIS_SAVE_TIMEOUT_S for a large dataset`);
      await sleep(pollMs);
    }
  }
}
