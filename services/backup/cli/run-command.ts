/** `quantmind backup run qdrant|redis|all`: one backup run now; any failure exits non-zero. */
import { createLogger } from "../../shared/logger.js";
import { BackupFailedError, BackupNotConfiguredError, BackupNothingConfiguredError } from "../errors.js";
import { loadBackupConfig } from "../config.js";
import { createBackupDeps } from "../main.js";
import { BACKUP_STORES, type BackupStore } from "../manifest.js";
import { runBackup } from "../run-backup.js";

export type RunTarget = BackupStore | "all";

export async function runBackupCommand(target: RunTarget, out: NodeJS.WritableStream): Promise<void> {
  const config = loadBackupConfig();
  const logger = createLogger("backup", { level: config.LOG_LEVEL });
  const deps = createBackupDeps(config, logger);
  const stores = target === "all" ? BACKUP_STORES.filter((s) => deps.sources[s]) : [target];
  if (stores.length === 0) throw new BackupNothingConfiguredError("no store to back up: set REDIS_URL and/or QDRANT_URL");
  // Checked before anything runs: a missing URL is bad configuration (exit 2), not a failed backup.
  for (const store of stores) if (!deps.sources[store]) throw new BackupNotConfiguredError(store);
  const failures: string[] = [];
  for (const store of stores) {
    try {
      const manifest = await runBackup(store, deps);
      out.write(`${manifest.id}  ${manifest.totalBytes} bytes  -> ${deps.storage.description}\n`);
    } catch (error) {
      // `all` goes on with the other store; the run as a whole still fails.
      failures.push(`${store}: ${(error as Error).message}`);
      if (target !== "all") throw error;
    }
  }
  if (failures.length > 0) throw new BackupFailedError(failures);
}
