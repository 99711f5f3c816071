import { randomUUID } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { RedisBacktestStore } from "../../../services/backtest/jobs/redis-store.js";
import { BullmqQueue } from "../../../services/backtest/queue/bullmq-queue.js";
import { startRedis, type TestRedis } from "../../helpers/redis-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { describeJobQueueSuite } from "./job-queue-suite.js";

let redis: TestRedis;
let removeTemp: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir("qm-bt-queue-");
  removeTemp = temp.remove;
  redis = await startRedis(path.join(temp.dir, "data"));
});
afterAll(async () => {
  await redis?.stop();
  await removeTemp?.();
});

describeJobQueueSuite("BullMQ on Redis", async () => {
  const store = new RedisBacktestStore(new Redis(redis.url, { password: redis.password, maxRetriesPerRequest: 3 }), 20);
  // A queue of its own per test, so one test's leftovers never reach the next one's workers.
  const queue = new BullmqQueue({ url: redis.url, password: redis.password, backoffMs: 20, name: `backtest-${randomUUID()}` });
  return {
    store,
    queue,
    cleanup: async () => {
      await queue.close();
      await store.close();
      await redis.command("FLUSHALL"); // the store's keys are global: each test starts empty
    },
  };
});
