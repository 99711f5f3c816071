/**
 * The backtest queue worker (`quantmind worker backtest`): takes jobs from Redis and runs them,
 * BACKTEST_WORKERS at a time. Started inside the hardened process (cli/hardened-worker.ts), it
 * reads only the app and the data directory and writes nothing.
 */
import type { Logger } from "pino";
import { ConfigError } from "../shared/errors.js";
import type { Stop } from "../shared/cli/shutdown.js";
import { reportQueueDepth } from "../shared/queue-depth-report.js";
import { backtestKeys } from "../shared/redis-keys.js";
import { createBacktestRuntime } from "./main.js";
import { datasetsFromEnv } from "./datasets-from-env.js";
import type { BacktestEnv } from "./service-config.js";

export async function runBacktestWorker(env: BacktestEnv, logger: Logger): Promise<Stop> {
  if (env.REDIS_URL === undefined) {
    throw new ConfigError("REDIS_URL is not set: a backtest worker takes its jobs from Redis (without Redis, `quantmind serve backtest` runs them itself)");
  }
  const runtime = createBacktestRuntime(env, logger, datasetsFromEnv(env));
  runtime.startWorkers();
  logger.info(
    { pid: process.pid, concurrency: env.BACKTEST_WORKERS, permissionModel: hasPermissionModel(), timeLimitMs: env.BACKTEST_TIME_LIMIT_MS },
    "backtest worker ready",
  );
  const stopReporting = reportQueueDepth(runtime.queue, backtestKeys.queue, logger);
  return () => {
    stopReporting();
    return runtime.close();
  };
}

/** True when this process runs under Node's permission model. */
export function hasPermissionModel(): boolean {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  return permission !== undefined && !permission.has("fs.write");
}
