/**
 * Turns a queued backtest id into a finished record: takes the job up in the store, runs the
 * processor under the per-job time limit with a signal that cancellation aborts, reports progress
 * and ETA, and records the outcome under its run token (so a superseded run writes nothing).
 * Strategy and data errors are final; anything else is retried by the queue while attempts last.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { QuantMindError } from "../../shared/errors.js";
import type { JobContext, JobHandler } from "../queue/job-queue.js";
import { JobInternalError, JobTimeLimitError } from "./errors.js";
import type { BacktestFailure, BacktestOutcome, BacktestRequest } from "./record.js";
import type { BacktestStore } from "./store.js";

export interface ProcessContext {
  signal: AbortSignal;
  /** Share of the work done, 0-1. */
  onProgress(fraction: number): void;
}

/** Runs one backtest request to its outcome; throws a QuantMindError with a code for a final failure. */
export type BacktestProcessor = (request: BacktestRequest, context: ProcessContext) => Promise<BacktestOutcome>;

export interface JobRunnerOptions {
  store: BacktestStore;
  processor: BacktestProcessor;
  /** Wall-clock limit of one attempt, ms. */
  timeLimitMs: number;
  logger?: Logger;
  /** Minimum ms between two progress writes; default 100. */
  progressIntervalMs?: number;
  now?: () => number;
}

export function createJobHandler(options: JobRunnerOptions): JobHandler {
  const { store, processor, timeLimitMs, logger } = options;
  const now = options.now ?? Date.now;
  const interval = options.progressIntervalMs ?? 100;

  return async (job: JobContext) => {
    const token = randomUUID();
    const record = await store.start(job.id, token, now());
    if (!record) return; // cancelled while it waited, or already finished by an earlier run
    const startedAt = now();
    const controller = new AbortController();
    const stopWatching = store.onCancel(job.id, () => controller.abort(new CancelledRun()));
    const timer = setTimeout(() => controller.abort(new JobTimeLimitError(timeLimitMs)), timeLimitMs);
    const onShutdown = () => controller.abort(job.signal.reason);
    job.signal.addEventListener("abort", onShutdown, { once: true });
    let lastWrite = 0;
    const onProgress = (fraction: number) => {
      const t = now();
      if (t - lastWrite < interval || controller.signal.aborted) return;
      lastWrite = t;
      const f = Math.min(Math.max(fraction, 0), 1);
      const eta = f > 0.01 ? ((t - startedAt) * (1 - f)) / f : undefined;
      void store.progress(job.id, token, Math.floor(f * 100), eta).catch(() => undefined);
    };
    try {
      const outcome = await raceAbort(processor(record.request, { signal: controller.signal, onProgress }), controller.signal);
      if (!(await store.complete(job.id, token, outcome, now()))) logger?.warn({ backtest: job.id }, "run finished after losing its job; outcome dropped");
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
      if (reason instanceof CancelledRun) return;
      const failure = finalFailure(reason);
      if (failure) {
        await store.fail(job.id, token, failure, now());
        return;
      }
      logger?.error({ err: error, backtest: job.id, attempt: job.attempt }, "backtest attempt failed");
      if (job.attempt < job.maxAttempts) {
        await store.requeue(job.id, token);
        throw error;
      }
      await store.fail(job.id, token, { code: new JobInternalError(job.attempt).code, message: new JobInternalError(job.attempt).message }, now());
    } finally {
      clearTimeout(timer);
      stopWatching();
      job.signal.removeEventListener("abort", onShutdown);
    }
  };
}

class CancelledRun extends Error {}

/** A coded error is the strategy's, the data's or a limit's: final, shown to the client as is. */
function finalFailure(error: unknown): BacktestFailure | undefined {
  if (!(error instanceof QuantMindError) || error.internal) return undefined;
  const line = (error as { line?: unknown }).line;
  return { code: error.code, message: error.message, ...(typeof line === "number" && { line }) };
}

/**
 * Settles as soon as the signal aborts, even when the processor is stuck in code that does not
 * watch the signal; the processor's own promise is left to settle on its own.
 */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
