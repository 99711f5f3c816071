/**
 * `quantmind backup schedule`: one cron job per store (croner, standard 5-field expressions in
 * UTC). A run still going when its next time comes is skipped (croner's `protect`), on top of the
 * store's lock, which also keeps out manual runs and other containers. A failed run is logged
 * and counted in the metrics file; the daemon keeps the schedule.
 */
import { Cron } from "croner";
import type { Logger } from "../shared/logger.js";
import { ConfigError } from "../shared/errors.js";
import type { BackupStore } from "./manifest.js";

export type ScheduleTable = Partial<Record<BackupStore, string>>;

/** Checks a 5-field cron expression; the message names the variable to fix. */
export function parseCron(expression: string, variable: string): Cron {
  try {
    return new Cron(expression, { mode: "5-part", timezone: "UTC", paused: true });
  } catch (error) {
    throw new ConfigError(`${variable}=${JSON.stringify(expression)}: ${(error as Error).message}; use a 5-field cron expression in UTC, e.g. "0 * * * *"`);
  }
}

export interface RunningSchedule {
  /** Next run time per store. */
  next(): Partial<Record<BackupStore, Date | null>>;
  stop(): void;
}

export function startSchedule(table: ScheduleTable, run: (store: BackupStore) => Promise<unknown>, logger: Logger): RunningSchedule {
  const jobs = new Map<BackupStore, Cron>();
  for (const [store, expression] of Object.entries(table) as [BackupStore, string][]) {
    const job = new Cron(
      expression,
      {
        name: `backup-${store}`,
        mode: "5-part",
        timezone: "UTC",
        protect: (skipped) => logger.warn({ store, startedAt: skipped.currentRun() }, `previous ${store} backup still running; this run is skipped`),
      },
      async () => {
        try {
          await run(store);
        } catch {
          // runBackup has logged the error line and recorded the failure metric; keep the schedule.
        }
      },
    );
    jobs.set(store, job);
    logger.info({ store, cron: expression, next: job.nextRun()?.toISOString() }, `${store} backups scheduled`);
  }
  return {
    next: () => Object.fromEntries([...jobs].map(([store, job]) => [store, job.nextRun()])),
    stop: () => {
      for (const job of jobs.values()) job.stop();
    },
  };
}
