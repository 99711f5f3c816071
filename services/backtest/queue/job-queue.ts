/**
 * The queue of backtest ids between the MCP server and the workers. Two backends with one
 * contract (BullMQ on Redis, in-process): the queue only delivers ids, retries a handler that
 * throws, and recovers a job whose worker died; the job's state lives in the BacktestStore.
 */

export interface JobContext {
  id: string;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the worker shuts down (or the queue cancels the run locally). */
  signal: AbortSignal;
}

/** Runs one job; throwing asks the queue to retry it while attempts are left. */
export type JobHandler = (job: JobContext) => Promise<void>;

export interface WorkerOptions {
  /** Jobs run at once in this process, 1-10. */
  concurrency: number;
}

export interface Workers {
  /** Stops taking jobs; waits for running ones unless `force`, which aborts them. */
  close(force?: boolean): Promise<void>;
}

export interface QueueDepth {
  waiting: number;
  active: number;
}

export interface JobQueue {
  /** Adds a job; adding an id that is still queued is a no-op. */
  enqueue(id: string): Promise<void>;
  /** Drops a job that no worker has taken yet; false when it is running, done or unknown. */
  remove(id: string): Promise<boolean>;
  /** Asks this process's worker to abort a running job; false when it does not run here. */
  abortLocal(id: string): boolean;
  depth(): Promise<QueueDepth>;
  work(handler: JobHandler, options: WorkerOptions): Workers;
  close(): Promise<void>;
}

/** Attempts per job (the first run and two retries) unless a backend is told otherwise. */
export const DEFAULT_ATTEMPTS = 3;
