/**
 * The backtest service's edge: turns the parsed environment into a store, a queue, the data
 * catalogue and the processor, and serves MCP (stdio or HTTP) or runs queue workers. With
 * REDIS_URL the MCP server only queues and a `quantmind worker backtest` process runs the jobs;
 * without it both happen in this process.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { createHttpApp } from "../shared/http/create-http-app.js";
import { serveMcpHttp, type McpHttpServer } from "../shared/http/serve-mcp-http.js";
import { registerSecret } from "../shared/logger.js";
import { serveStdio } from "../shared/mcp/stdio.js";
import type { BacktestDeps } from "./deps.js";
import { runEngine } from "./engine/run-engine.js";
import { BacktestService } from "./jobs/backtest-service.js";
import type { DatasetCatalog } from "./jobs/datasets.js";
import { createJobHandler } from "./jobs/job-runner.js";
import { MemoryBacktestStore } from "./jobs/memory-store.js";
import { createBacktestProcessor, type RunStrategy } from "./jobs/processor.js";
import { RedisBacktestStore } from "./jobs/redis-store.js";
import type { BacktestStore } from "./jobs/store.js";
import { mt5BridgeFromEnv } from "./mq5/bridge-settings.js";
import { createMq5Runner } from "./mq5/run-mq5.js";
import { BullmqQueue } from "./queue/bullmq-queue.js";
import { InProcessQueue } from "./queue/in-process-queue.js";
import type { JobQueue, Workers } from "./queue/job-queue.js";
import { runStrategy } from "./sandbox/run-strategy.js";
import { BACKTEST_SECRETS, type BacktestEnv } from "./service-config.js";
import { createBacktestServer } from "./server.js";

export interface BacktestRuntime extends BacktestDeps {
  store: BacktestStore;
  queue: JobQueue;
  /** Whether jobs go to Redis (and other processes) or run here. */
  backend: "redis" | "in-process";
  /** Starts this process's workers (BACKTEST_WORKERS of them). */
  startWorkers(): Workers;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  /** Default: the sandbox's runStrategy. */
  runStrategy?: RunStrategy;
}

export function createBacktestRuntime(env: BacktestEnv, logger: Logger, datasets: DatasetCatalog, overrides: RuntimeOverrides = {}): BacktestRuntime {
  for (const name of BACKTEST_SECRETS) registerSecret(env[name]);
  const redisUrl = env.REDIS_URL;
  const store: BacktestStore = redisUrl ? new RedisBacktestStore(redisClient(redisUrl, env.REDIS_PASSWORD, logger)) : new MemoryBacktestStore();
  const queue: JobQueue = redisUrl
    ? new BullmqQueue({
        url: redisUrl,
        ...(env.REDIS_PASSWORD !== undefined && { password: env.REDIS_PASSWORD }),
        attempts: env.BACKTEST_ATTEMPTS,
        stalledIntervalMs: env.BACKTEST_STALLED_INTERVAL_MS,
        lockDurationMs: env.BACKTEST_LOCK_DURATION_MS,
      })
    : new InProcessQueue({ attempts: env.BACKTEST_ATTEMPTS });
  const bridge = mt5BridgeFromEnv(env);
  const mq5 = bridge && createMq5Runner(bridge, { timeoutMs: env.BACKTEST_TIME_LIMIT_MS });
  const service = new BacktestService({ store, queue, datasets, ...(mq5 && { mq5 }) });
  const processor = createBacktestProcessor({
    ...(mq5 && { mq5 }),
    datasets,
    runStrategy: overrides.runStrategy ?? ((run) => runStrategy(run)),
    runEngine,
    limits: { timeoutMs: env.BACKTEST_TIME_LIMIT_MS, memoryMb: env.BACKTEST_MEMORY_MB },
  });
  let workers: Workers | undefined;
  return {
    service,
    store,
    queue,
    logger,
    maxGridPoints: env.BACKTEST_MAX_GRID_POINTS,
    backend: redisUrl ? "redis" : "in-process",
    startWorkers() {
      // The sandbox stops the strategy at the limit (TIM_TIMEOUT); the job's own limit, a little
      // later, also covers loading the data, the engine and the chart.
      const timeLimitMs = Math.round(env.BACKTEST_TIME_LIMIT_MS * 1.1) + 2_000;
      workers = queue.work(createJobHandler({ store, processor, timeLimitMs, logger }), { concurrency: env.BACKTEST_WORKERS });
      return workers;
    },
    async close() {
      await workers?.close(true);
      await queue.close();
      await store.close();
    },
  };
}

/** A client that reconnects on its own; each distinct connection error is logged once, not per retry. */
function redisClient(url: string, password: string | undefined, logger: Logger): Redis {
  const client = new Redis(url, { ...(password !== undefined && { password }), maxRetriesPerRequest: 3 });
  let last = "";
  client.on("error", (error: Error) => {
    if (error.message !== last) logger.warn({ err: error }, "Redis connection error (reconnecting)");
    last = error.message;
  });
  client.on("ready", () => (last = ""));
  return client;
}

export async function serveBacktestStdio(runtime: BacktestRuntime): Promise<void> {
  await serveStdio(createBacktestServer(runtime));
}

export function serveBacktestHttp(env: BacktestEnv, runtime: BacktestRuntime): Promise<McpHttpServer> {
  return serveMcpHttp({
    config: env,
    title: "backtest",
    logger: runtime.logger,
    details: {
      queue: runtime.backend,
      workers: runtime.backend === "in-process" ? env.BACKTEST_WORKERS : 0,
      rateLimitPerMinute: env.MCP_RATE_LIMIT_PER_MINUTE,
    },
    createApp: (apiKeys) =>
      createHttpApp({
        createMcpServer: () => createBacktestServer(runtime),
        apiKeys,
        corsOrigins: env.MCP_CORS_ORIGINS,
        rateLimitPerMinute: env.MCP_RATE_LIMIT_PER_MINUTE,
        ...(runtime.logger !== undefined && { logger: runtime.logger }),
        health: async () => ({ service: "backtest", queue: runtime.backend, ...(await runtime.queue.depth()) }),
      }),
  });
}
