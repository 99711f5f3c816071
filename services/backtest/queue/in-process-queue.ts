/**
 * The JobQueue for one process without Redis: a FIFO and a fixed number of slots. Retries go to
 * the back of the queue after a short backoff. Nothing survives the process, which is the point of
 * the Redis backend.
 */
import type { JobContext, JobHandler, JobQueue, QueueDepth, WorkerOptions, Workers } from "./job-queue.js";
import { DEFAULT_ATTEMPTS } from "./job-queue.js";

export interface InProcessQueueOptions {
  /** Default 3. */
  attempts?: number;
  /** Delay before a retry, doubled each attempt; default 50 ms. */
  backoffMs?: number;
}

interface Pending {
  id: string;
  attempt: number;
}

export class InProcessQueue implements JobQueue {
  private readonly pending: Pending[] = [];
  private readonly active = new Map<string, AbortController>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private handler: JobHandler | undefined;
  private slots = 0;
  private idle: (() => void)[] = [];
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(options: InProcessQueueOptions = {}) {
    this.attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    this.backoffMs = options.backoffMs ?? 50;
  }

  async enqueue(id: string): Promise<void> {
    if (this.pending.some((p) => p.id === id)) return;
    this.pending.push({ id, attempt: 1 });
    this.pump();
  }

  async remove(id: string): Promise<boolean> {
    const index = this.pending.findIndex((p) => p.id === id);
    if (index < 0) return false;
    this.pending.splice(index, 1);
    return true;
  }

  abortLocal(id: string): boolean {
    const controller = this.active.get(id);
    controller?.abort(new Error("cancelled"));
    return controller !== undefined;
  }

  async depth(): Promise<QueueDepth> {
    return { waiting: this.pending.length, active: this.active.size };
  }

  work(handler: JobHandler, options: WorkerOptions): Workers {
    if (this.handler) throw new Error("this in-process queue already has workers");
    this.handler = handler;
    this.slots = options.concurrency;
    this.pump();
    return {
      close: async (force = false) => {
        this.slots = 0;
        this.handler = undefined;
        if (force) for (const controller of this.active.values()) controller.abort(new Error("worker closing"));
        if (this.active.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      },
    };
  }

  async close(): Promise<void> {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.pending.length = 0;
  }

  private pump(): void {
    while (this.handler && this.active.size < this.slots && this.pending.length > 0) {
      void this.run(this.handler, this.pending.shift()!);
    }
  }

  private async run(handler: JobHandler, job: Pending): Promise<void> {
    const controller = new AbortController();
    this.active.set(job.id, controller);
    const context: JobContext = { id: job.id, attempt: job.attempt, maxAttempts: this.attempts, signal: controller.signal };
    try {
      await handler(context);
    } catch {
      // The handler recorded what went wrong; the queue's only job is to try again.
      if (job.attempt < this.attempts && !controller.signal.aborted) this.retryLater({ id: job.id, attempt: job.attempt + 1 });
    } finally {
      this.active.delete(job.id);
      if (this.active.size === 0) for (const resolve of this.idle.splice(0)) resolve();
      this.pump();
    }
  }

  private retryLater(job: Pending): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.pending.push(job);
      this.pump();
    }, this.backoffMs * 2 ** (job.attempt - 2));
    timer.unref();
    this.retryTimers.add(timer);
  }
}
