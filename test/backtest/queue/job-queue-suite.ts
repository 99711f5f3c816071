/**
 * The behavioural contract of the job queue and store together (submit, run, progress, cancel,
 * limits, retries, exactly-once), run against every backend pair: in-process and BullMQ + Redis.
 * The processor is a controllable fake, so each test decides when a job proceeds.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QuantMindError } from "../../../services/shared/errors.js";
import { BacktestService } from "../../../services/backtest/jobs/backtest-service.js";
import type { DatasetCatalog } from "../../../services/backtest/jobs/datasets.js";
import { createJobHandler, type BacktestProcessor } from "../../../services/backtest/jobs/job-runner.js";
import type { BacktestOutcome, BacktestRecord } from "../../../services/backtest/jobs/record.js";
import type { BacktestStore } from "../../../services/backtest/jobs/store.js";
import type { JobQueue, Workers } from "../../../services/backtest/queue/job-queue.js";

export interface QueueSuiteHandle {
  store: BacktestStore;
  queue: JobQueue;
  cleanup: () => Promise<void>;
}

/** A dataset catalogue that never loads: the fake processor needs no bars. */
export const fakeDatasets: DatasetCatalog = {
  list: async () => [{ name: "fake" }],
  fingerprint: async (name) => `fp-${name}`,
  load: async () => {
    throw new Error("the fake processor loads no data");
  },
};

export function outcome(tag: string): BacktestOutcome {
  return { statistics: { return_pct: 1.5, tag }, tradeCount: 2, report: Buffer.from(JSON.stringify({ tag })) };
}

class StrategyThrew extends QuantMindError {
  constructor(readonly line: number) {
    super("RUN_THREW", `line ${line}: boom`);
  }
}

/** A gate a test opens when a job may go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let codeCounter = 0;
const request = (tag = `job-${++codeCounter}-${Math.random()}`) => ({
  code: `export function signals() { return "${tag}"; }`,
  language: "javascript" as const,
  config: { params: { tag } },
  dataset: "fake",
});

export function describeJobQueueSuite(name: string, open: () => Promise<QueueSuiteHandle>): void {
  describe(`job queue contract: ${name}`, () => {
    let handle: QueueSuiteHandle;
    let service: BacktestService;
    let workers: Workers | undefined;
    const finished = (r: BacktestRecord) => ["completed", "failed", "cancelled"].includes(r.status);
    const work = (processor: BacktestProcessor, concurrency = 2, timeLimitMs = 10_000) => {
      workers = handle.queue.work(createJobHandler({ store: handle.store, processor, timeLimitMs, progressIntervalMs: 0 }), { concurrency });
    };
    const settled = (id: string) => until(() => service.get(id), finished);

    beforeEach(async () => {
      handle = await open();
      service = new BacktestService({ store: handle.store, queue: handle.queue, datasets: fakeDatasets });
      workers = undefined;
    });
    afterEach(async () => {
      await workers?.close(true);
      await handle.cleanup();
    });

    it("runs a job to completed, stores its artefacts once and serves a repeat from the cache", async () => {
      work(async (req) => outcome(String((req.config.params as { tag: string }).tag)));
      const req = request("cache-me");
      const first = await service.submit(req);
      expect(first).toMatchObject({ status: "queued", cached: false });
      const done = await settled(first.id);
      expect(done).toMatchObject({ status: "completed", progress: 100, completions: 1, starts: 1, tradeCount: 2 });
      expect(done.statistics).toEqual({ return_pct: 1.5, tag: "cache-me" });
      expect(JSON.parse(String(await handle.store.report(first.id)))).toEqual({ tag: "cache-me" });
      // The chart is kept once drawn; a second drawing does not replace it.
      expect(await handle.store.png(first.id)).toBeUndefined();
      await handle.store.savePng(first.id, Buffer.from("png-1"));
      await handle.store.savePng(first.id, Buffer.from("png-2"));
      expect(String(await handle.store.png(first.id))).toBe("png-1");
      const again = await service.submit(request("cache-me"));
      expect(again).toEqual({ id: first.id, status: "completed", cached: true });
      // Another configuration is another key.
      expect((await service.submit({ ...req, config: { params: { tag: "cache-me", x: 1 } } })).cached).toBe(false);
    });

    it("shows progress and an ETA while running", async () => {
      const g = gate();
      work(async (_req, ctx) => {
        await new Promise((r) => setTimeout(r, 30));
        ctx.onProgress(0.5);
        await g.opened;
        return outcome("p");
      });
      const { id } = await service.submit(request());
      const running = await until(() => service.get(id), (r) => r.progress === 50);
      expect(running.status).toBe("running");
      expect(running.etaMs).toBeGreaterThan(0);
      expect(running.startedAt).toBeGreaterThanOrEqual(running.submittedAt);
      g.open();
      expect((await settled(id)).etaMs).toBeUndefined();
    });

    it("cancels a running job through its signal, and a late result is dropped", async () => {
      const g = gate();
      let aborted = false;
      work(async (_req, ctx) => {
        ctx.signal.addEventListener("abort", () => (aborted = true));
        await g.opened;
        return outcome("late");
      });
      const { id } = await service.submit(request());
      await until(() => service.get(id), (r) => r.status === "running");
      expect(await service.cancel(id)).toBe("cancelled");
      await until(async () => aborted, Boolean);
      g.open();
      await new Promise((r) => setTimeout(r, 100));
      const record = await service.get(id);
      expect(record).toMatchObject({ status: "cancelled", completions: 0 });
      expect(await handle.store.report(id)).toBeUndefined();
      // A finished job keeps its status.
      expect(await service.cancel(id)).toBe("cancelled");
    });

    it("cancels a queued job before any worker takes it", async () => {
      const g = gate();
      work(async () => (await g.opened, outcome("q")), 1);
      const blocker = await service.submit(request());
      await until(() => service.get(blocker.id), (r) => r.status === "running");
      const waiting = await service.submit(request());
      expect(await service.cancel(waiting.id)).toBe("cancelled");
      g.open();
      await settled(blocker.id);
      await new Promise((r) => setTimeout(r, 100));
      expect(await service.get(waiting.id)).toMatchObject({ status: "cancelled", starts: 0 });
    });

    it("fails a job that runs past the time limit with TIM_JOB_LIMIT, even if it ignores its signal", async () => {
      work(() => new Promise<never>(() => undefined), 1, 150);
      const { id } = await service.submit(request());
      const record = await settled(id);
      expect(record.status).toBe("failed");
      expect(record.failure?.code).toBe("TIM_JOB_LIMIT");
      expect(record.failure?.message).toContain("150 ms");
    });

    it("records a strategy error with its code and line and does not retry it", async () => {
      work(async () => {
        throw new StrategyThrew(7);
      });
      const { id } = await service.submit(request());
      const record = await settled(id);
      expect(record.failure).toEqual({ code: "RUN_THREW", message: "line 7: boom", line: 7 });
      await new Promise((r) => setTimeout(r, 150));
      expect((await service.get(id)).starts).toBe(1);
    });

    it("retries an infrastructure error and completes on a later attempt", async () => {
      let calls = 0;
      work(async () => {
        if (++calls === 1) throw new Error("connection reset");
        return outcome("retried");
      });
      const { id } = await service.submit(request());
      const record = await settled(id);
      expect(record).toMatchObject({ status: "completed", starts: 2, completions: 1 });
    });

    it("fails with INTERNAL once every attempt failed, without the internal message", async () => {
      work(async () => {
        throw new Error("secret-ish internal detail");
      });
      const { id } = await service.submit(request());
      const record = await settled(id);
      expect(record.status).toBe("failed");
      expect(record.failure?.code).toBe("INTERNAL");
      expect(record.failure?.message).not.toContain("secret-ish");
      expect(record.starts).toBe(3);
    });

    it("runs at most `concurrency` jobs at once and all of them", async () => {
      let running = 0;
      let peak = 0;
      work(async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 60));
        running--;
        return outcome("c");
      }, 3);
      const ids = await Promise.all(Array.from({ length: 7 }, () => service.submit(request()).then((s) => s.id)));
      const records = await service.waitFor(ids, 15_000);
      expect(records.every((r) => r.status === "completed")).toBe(true);
      expect(peak).toBe(3);
    });

    it("lists newest first, by status, up to the limit", async () => {
      work(async (req) => {
        if ((req.config.params as { tag: string }).tag.startsWith("bad")) throw new StrategyThrew(1);
        return outcome("l");
      });
      const good = await service.submit(request("good-1"));
      await settled(good.id);
      const bad = await service.submit(request("bad-1"));
      await settled(bad.id);
      const all = await service.list({ limit: 10 });
      expect(all.map((r) => r.id).slice(0, 2)).toEqual([bad.id, good.id]);
      expect((await service.list({ status: "failed", limit: 10 })).map((r) => r.id)).toEqual([bad.id]);
      expect(await service.list({ limit: 1 })).toHaveLength(1);
    });

    it("lets only the current run write: a superseded run's outcome is refused", async () => {
      const { id } = await service.submit(request());
      await handle.queue.remove(id); // this test drives the store by hand
      expect(await handle.store.start(id, "run-a", 1)).toBeDefined();
      expect(await handle.store.start(id, "run-b", 2)).toMatchObject({ starts: 2 });
      expect(await handle.store.progress(id, "run-a", 40, 10)).toBe(false);
      expect(await handle.store.complete(id, "run-a", outcome("a"), 3)).toBe(false);
      expect(await handle.store.complete(id, "run-b", outcome("b"), 3)).toBe(true);
      expect(await handle.store.complete(id, "run-b", outcome("b2"), 4)).toBe(false);
      expect(await handle.store.fail(id, "run-b", { code: "X", message: "x" }, 5)).toBe(false);
      expect(await service.get(id)).toMatchObject({ status: "completed", completions: 1 });
      expect(JSON.parse(String(await handle.store.report(id)))).toEqual({ tag: "b" });
      expect(await handle.store.start(id, "run-c", 6)).toBeUndefined();
    });

    it("answers NOT_FOUND for an unknown id and refuses a bad configuration before queueing", async () => {
      await expect(service.get("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(service.cancel("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(service.submit({ ...request(), config: { comission: 0.1 } })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
      await expect(service.submit({ ...request(), config: { timeframe: 7 } })).rejects.toThrow(/config\.timeframe/);
      expect(await handle.queue.depth()).toEqual({ waiting: 0, active: 0 });
    });
  });
}
