/**
 * The JobQueue on Redis through BullMQ: jobs survive restarts, any number of worker processes
 * share them, and a job whose worker died (kill -9) is moved back to waiting by BullMQ's stalled
 * check and taken up again. The job id is the backtest id, so enqueueing twice adds one job.
 */
import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { BULLMQ_PREFIX, backtestKeys } from "../../shared/redis-keys.js";
import { DEFAULT_ATTEMPTS, type JobHandler, type JobQueue, type QueueDepth, type WorkerOptions, type Workers } from "./job-queue.js";

export interface BullmqQueueOptions {
  /** `redis://host:port`; the password may come separately. */
  url: string;
  password?: string;
  /** Default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled each attempt; default 500. */
  backoffMs?: number;
  /**
   * How often workers look for jobs whose worker died, and how long a job's lock lasts without
   * renewal; defaults 30 s each (BullMQ's). A dead worker's job is retaken after about both.
   */
  stalledIntervalMs?: number;
  lockDurationMs?: number;
  /** Queue name (default `backtest`), for tests that need isolation. */
  name?: string;
}

interface JobData {
  id: string;
}

/** Completed and failed entries BullMQ keeps for inspection; the records live in the store. */
const KEEP_FINISHED = { count: 1000, age: 24 * 3600 };

export class BullmqQueue implements JobQueue {
  private readonly queue: Queue<JobData>;
  private readonly connection: ConnectionOptions;
  private readonly name: string;
  private readonly attempts: number;
  private worker: Worker<JobData> | undefined;

  constructor(private readonly options: BullmqQueueOptions) {
    this.name = options.name ?? backtestKeys.queue;
    this.attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    this.connection = {
      url: options.url,
      ...(options.password !== undefined && { password: options.password }),
      maxRetriesPerRequest: null,
    };
    this.queue = new Queue<JobData>(this.name, { connection: this.connection, prefix: BULLMQ_PREFIX });
    this.queue.on("error", () => undefined); // connection errors surface on the calls that fail
  }

  async enqueue(id: string): Promise<void> {
    await this.queue.add("backtest", { id }, {
      jobId: id,
      attempts: this.attempts,
      backoff: { type: "exponential", delay: this.options.backoffMs ?? 500 },
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
  }

  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const state = await job.getState();
    if (state !== "waiting" && state !== "delayed" && state !== "prioritized") return false;
    // remove() refuses a job a worker holds the lock of, so a job taken meanwhile stays.
    return job.remove().then(
      () => true,
      () => false,
    );
  }

  abortLocal(id: string): boolean {
    return this.worker?.cancelJob(id, "cancelled") ?? false;
  }

  async depth(): Promise<QueueDepth> {
    const counts = await this.queue.getJobCounts("waiting", "delayed", "prioritized", "active");
    return { waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0 };
  }

  work(handler: JobHandler, options: WorkerOptions): Workers {
    if (this.worker) throw new Error("this queue already has a worker");
    const worker = new Worker<JobData>(
      this.name,
      async (job: Job<JobData>, _token?: string, signal?: AbortSignal) => {
        await handler({
          id: job.data.id,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          signal: signal ?? new AbortController().signal,
        });
      },
      {
        connection: this.connection,
        prefix: BULLMQ_PREFIX,
        concurrency: options.concurrency,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        maxStalledCount: 2,
      },
    );
    worker.on("error", () => undefined); // reconnects are BullMQ's; a failed job is already recorded
    this.worker = worker;
    return {
      close: async (force = false) => {
        if (force) worker.cancelAllJobs("worker closing");
        await worker.close(force);
        this.worker = undefined;
      },
    };
  }

  async close(): Promise<void> {
    await this.worker?.close(true);
    await this.queue.close();
  }
}
