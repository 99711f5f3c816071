import { MemoryBacktestStore } from "../../../services/backtest/jobs/memory-store.js";
import { InProcessQueue } from "../../../services/backtest/queue/in-process-queue.js";
import { describeJobQueueSuite } from "./job-queue-suite.js";

describeJobQueueSuite("in-process", async () => {
  const store = new MemoryBacktestStore();
  const queue = new InProcessQueue({ backoffMs: 10 });
  return {
    store,
    queue,
    cleanup: async () => {
      await queue.close();
      await store.close();
    },
  };
});
