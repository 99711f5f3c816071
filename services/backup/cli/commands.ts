/**
 * The backup service's commands: `quantmind backup run|schedule|list|restore`. Each action
 * imports its command module when it runs: the storage, Redis and Qdrant clients stay unloaded
 * for every other command.
 */
import { Argument, Option, type Command } from "commander";
import type { RunTarget } from "./run-command.js";

export function registerBackupCommands(program: Command): void {
  const backup = program
    .command("backup")
    .description("Qdrant snapshots and Redis RDB copies: run, schedule, list, restore (env: BACKUP_*, REDIS_URL, QDRANT_URL)");

  backup
    .command("run")
    .description("back up one store now, or both; exits non-zero when any backup fails")
    .addArgument(new Argument("<store>", "what to back up").choices(["qdrant", "redis", "all"]))
    .action(async (store: RunTarget) => {
      const { runBackupCommand } = await import("./run-command.js");
      await runBackupCommand(store, process.stdout);
    });

  backup
    .command("schedule")
    .description("the backup daemon: runs each configured store on its cron schedule (BACKUP_SCHEDULE_REDIS, BACKUP_SCHEDULE_QDRANT)")
    .action(async () => {
      const [{ shutdownOnSignal }, { scheduleBackups }] = await Promise.all([import("../../shared/cli/shutdown.js"), import("./schedule-command.js")]);
      shutdownOnSignal(await scheduleBackups());
    });

  backup
    .command("list")
    .description("complete backups, oldest first")
    .addOption(new Option("--store <store>", "only this store").choices(["qdrant", "redis"]))
    .option("--json", "print the manifests as JSON")
    .action(async (options: { store?: "qdrant" | "redis"; json?: boolean }) => {
      const { listBackups } = await import("./list-command.js");
      await listBackups(options.store, options.json ?? false, process.stdout);
    });

  backup
    .command("restore")
    .description("verify a backup and restore it: Redis into a stopped server's data directory, Qdrant through its recover API")
    .argument("<id>", "backup id from `quantmind backup list`")
    .option("--redis-data-dir <dir>", "data directory of the stopped Redis to restore into")
    .option("--force", "move an existing AOF/RDB in the Redis data directory aside instead of refusing")
    .option("--download <dir>", "only fetch and verify the backup's files into <dir>")
    .action(async (id: string, options: { redisDataDir?: string; force?: boolean; download?: string }) => {
      const { restoreCommand } = await import("./restore-command.js");
      await restoreCommand(id, options, process.stdout);
    });
}
