/** `quantmind backup schedule`: the backup daemon, running each configured store on its cron schedule. */
import { createLogger } from "../../shared/logger.js";
import { loadBackupConfig } from "../config.js";
import { BackupNothingConfiguredError } from "../errors.js";
import { createBackupDeps } from "../main.js";
import { runBackup } from "../run-backup.js";
import { parseCron, startSchedule, type ScheduleTable } from "../schedule.js";

/** Starts the schedule; resolves with a function that stops it. */
export async function scheduleBackups(): Promise<() => Promise<void>> {
  const config = loadBackupConfig();
  const logger = createLogger("backup", { level: config.LOG_LEVEL });
  const deps = createBackupDeps(config, logger);
  const table: ScheduleTable = {};
  if (deps.sources.redis) {
    parseCron(config.BACKUP_SCHEDULE_REDIS, "BACKUP_SCHEDULE_REDIS");
    table.redis = config.BACKUP_SCHEDULE_REDIS;
  }
  if (deps.sources.qdrant) {
    parseCron(config.BACKUP_SCHEDULE_QDRANT, "BACKUP_SCHEDULE_QDRANT");
    table.qdrant = config.BACKUP_SCHEDULE_QDRANT;
  }
  if (Object.keys(table).length === 0) throw new BackupNothingConfiguredError("REDIS_URL and QDRANT_URL are both unset: the backup schedule has nothing to back up");
  const schedule = startSchedule(table, (store) => runBackup(store, deps), logger);
  return async () => schedule.stop();
}
