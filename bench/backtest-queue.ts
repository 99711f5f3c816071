/**
 * `npm run bench -- backtest-queue`: the backtest job service end to end.
 *
 * 1. Submit-to-completed of a 1,000-bar SMA-cross job (JavaScript sandbox, engine, report, PNG):
 *    in process (in-process queue, the job runs in the bench process), and through Redis (a real
 *    redis-server, BullMQ, and a separate hardened `quantmind worker backtest` process). Each job
 *    has distinct parameters so none is a cache hit; completion is polled every millisecond.
 * 2. A 100-point grid (fast x slow) over 1,000,000 bars through optimize's fan-out, in process
 *    with two workers.
 * BENCH_JOBS (default 60) jobs per latency run; BENCH_ONLY=latency|grid runs one half.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import { BacktestService } from "../services/backtest/jobs/backtest-service.js";
import { RedisBacktestStore } from "../services/backtest/jobs/redis-store.js";
import { optimize } from "../services/backtest/jobs/optimize.js";
import { createBacktestRuntime } from "../services/backtest/main.js";
import { FileAndRemoteCatalog } from "../services/backtest/data/catalog.js";
import { BullmqQueue } from "../services/backtest/queue/bullmq-queue.js";
import { loadBacktestEnv } from "../services/backtest/service-config.js";
import { createLogger } from "../services/shared/logger.js";
import { JS_SMA_CROSS, waveDatasets } from "../test/backtest/helpers/wave-datasets.js";
import { startWorker, waveCsv } from "../test/backtest/helpers/worker-process.js";
import { startRedis } from "../test/helpers/redis-server.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

const JOBS = Number(process.env.BENCH_JOBS ?? 60);
const WARMUP = 5;
const logger = createLogger("bench", { level: "silent" });

async function submitToCompleted(service: BacktestService, dataset: string, jobs: number, tag: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < jobs + WARMUP; i++) {
    const started = performance.now();
    const { id } = await service.submit({ code: JS_SMA_CROSS, language: "javascript", dataset, config: { params: { fast: 10, slow: 30, run: `${tag}-${i}` } } });
    for (;;) {
      const record = await service.get(id);
      if (record.status === "completed") break;
      if (record.status === "failed" || record.status === "cancelled") throw new Error(`job ${id} ${record.status}: ${JSON.stringify(record.failure)}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  return samples;
}

async function benchInProcess(): Promise<void> {
  const env = loadBacktestEnv({ BACKTEST_WORKERS: "2", LOG_LEVEL: "silent" });
  const runtime = createBacktestRuntime(env, logger, waveDatasets([1000]));
  runtime.startWorkers();
  try {
    console.log(formatLatency("submit-to-completed, 1,000 bars, in process", summarise(await submitToCompleted(runtime.service, "wave-1000", JOBS, "mem"))));
  } finally {
    await runtime.close();
  }
}

async function benchRedis(dir: string): Promise<void> {
  const dataDir = path.join(dir, "datasets");
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, "wave-1000.csv"), waveCsv(1000));
  const redis = await startRedis(path.join(dir, "redis"));
  const worker = await startWorker({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password, BACKTEST_DATA_DIR: dataDir, BACKTEST_WORKERS: "2", LOG_LEVEL: "info" });
  const store = new RedisBacktestStore(new Redis(redis.url, { password: redis.password }));
  const queue = new BullmqQueue({ url: redis.url, password: redis.password });
  try {
    const service = new BacktestService({ store, queue, datasets: new FileAndRemoteCatalog({ dataDir, cacheDir: path.join(dataDir, "..", "cache") }) });
    const samples = await submitToCompleted(service, "wave-1000.csv", JOBS, "redis");
    console.log(formatLatency("submit-to-completed, 1,000 bars, Redis + BullMQ + worker process", summarise(samples)));
  } finally {
    await queue.close();
    await store.close();
    await worker.stop();
    await redis.stop();
  }
}

async function benchGrid(): Promise<void> {
  const bars = 1_000_000;
  const env = loadBacktestEnv({ BACKTEST_WORKERS: "2", BACKTEST_TIME_LIMIT_MS: "600000", LOG_LEVEL: "silent" });
  const runtime = createBacktestRuntime(env, logger, waveDatasets([bars]));
  runtime.startWorkers();
  try {
    const grid = { fast: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50], slow: [60, 80, 100, 120, 140, 160, 180, 200, 220, 240] };
    const started = performance.now();
    const result = await optimize(
      runtime.service,
      { code: JS_SMA_CROSS, language: "javascript", dataset: `wave-${bars}`, config: {}, grid, metric: "sharpe_ratio", direction: "max", timeoutMs: 1_800_000 },
      100,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `grid of ${result.points} points over ${bars.toLocaleString("en")} bars, 2 workers: ${seconds.toFixed(1)} s ` +
        `(${((result.points * bars) / seconds / 1e6).toFixed(1)} M bars/s end to end, ${((seconds * 1000) / result.points).toFixed(0)} ms per point); ` +
        `${result.completed} completed, best ${JSON.stringify(result.best?.params)} sharpe ${result.best?.value?.toFixed(3)}`,
    );
  } finally {
    await runtime.close();
  }
}

export async function benchBacktestQueue(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  const temp = await makeTempDir("qm-bench-bt-");
  try {
    // BENCH_ONLY=latency or BENCH_ONLY=grid runs one half.
    const only = process.env.BENCH_ONLY;
    if (only !== "grid") await benchInProcess();
    if (only !== "grid") await benchRedis(temp.dir);
    if (only !== "latency") await benchGrid();
  } finally {
    await temp.remove();
  }
}
