/**
 * kill -9 of a worker process in the middle of a job, against a real redis-server: BullMQ's
 * stalled check (lowered to 300 ms here) hands the job to a second worker, which completes it
 * exactly once; a repeat of the same job is then answered from the cache.
 */
import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BacktestService } from "../../../services/backtest/jobs/backtest-service.js";
import { RedisBacktestStore } from "../../../services/backtest/jobs/redis-store.js";
import { FileAndRemoteCatalog } from "../../../services/backtest/data/catalog.js";
import { BullmqQueue } from "../../../services/backtest/queue/bullmq-queue.js";
import { BULLMQ_PREFIX, backtestKeys } from "../../../services/shared/redis-keys.js";
import { startRedis, type TestRedis } from "../../helpers/redis-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { startWorker, waveCsv, type RunningWorker } from "../helpers/worker-process.js";

let redis: TestRedis;
let temp: { dir: string; remove: () => Promise<void> };
let dataDir: string;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  temp = await makeTempDir("qm-bt-crash-");
  redis = await startRedis(path.join(temp.dir, "redis"));
  dataDir = path.join(temp.dir, "datasets");
  await mkdir(dataDir);
  await writeFile(path.join(dataDir, "wave.csv"), waveCsv(500));
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await redis?.stop();
  await temp?.remove();
});

/** Busy for 2.5 s of wall-clock time, then long all the way: long enough to be killed mid-run. */
const SLOW = `export function signals(d) {
  const end = Date.now() + 2500;
  while (Date.now() < end) {}
  return new Float64Array(d.length).fill(1);
}`;

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("a job whose worker is killed with SIGKILL completes exactly once on another worker, then answers from the cache", async () => {
  const env = {
    REDIS_URL: redis.url,
    REDIS_PASSWORD: redis.password,
    BACKTEST_DATA_DIR: dataDir,
    BACKTEST_WORKERS: "1",
    BACKTEST_STALLED_INTERVAL_MS: "300",
    BACKTEST_LOCK_DURATION_MS: "600",
    LOG_LEVEL: "info",
  };
  const first = await startWorker(env);
  workers.push(first);
  expect(first.output()).toContain('"permissionModel":true');

  const store = new RedisBacktestStore(new Redis(redis.url, { password: redis.password }));
  const queue = new BullmqQueue({ url: redis.url, password: redis.password });
  const service = new BacktestService({ store, queue, datasets: new FileAndRemoteCatalog({ dataDir, cacheDir: path.join(dataDir, "..", "cache") }) });
  try {
    const request = { code: SLOW, language: "javascript" as const, config: {}, dataset: "wave.csv" };
    const { id } = await service.submit(request);
    await until(() => service.get(id), (r) => r.status === "running" && r.starts === 1, 30_000);
    await new Promise((r) => setTimeout(r, 300)); // well inside the 2.5 s run
    process.kill(first.pid, "SIGKILL");
    await until(async () => first.launcher.exitCode, (code) => code !== null, 10_000);
    expect((await service.get(id)).status).toBe("running"); // nobody finished it

    const second = await startWorker(env);
    workers.push(second);
    const done = await until(() => service.get(id), (r) => r.status === "completed" || r.status === "failed", 60_000);
    expect(done).toMatchObject({ status: "completed", starts: 2, completions: 1, tradeCount: 1 });
    const report = JSON.parse(String(await store.report(id)));
    expect(report.trades).toHaveLength(1);
    expect(report.curve.equity).toHaveLength(500);
    // BullMQ holds one completed job for it, and nothing is left waiting or active.
    const bull = (state: string) => redis.command("ZCARD", `${BULLMQ_PREFIX}:${backtestKeys.queue}:${state}`);
    expect(await bull("completed")).toBe(1);
    expect(await queue.depth()).toEqual({ waiting: 0, active: 0 });

    const again = await service.submit(request);
    expect(again).toEqual({ id, status: "completed", cached: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(await service.get(id)).toMatchObject({ starts: 2, completions: 1 });
    expect(await bull("completed")).toBe(1);
  } finally {
    await queue.close();
    await store.close();
  }
}, 240_000); // two worker processes start (each bundles its entry and loads under tsx first)
