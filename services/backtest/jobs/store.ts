/**
 * Where backtests live between the MCP server that takes them and the worker that runs them. Two
 * backends (memory, Redis) with one contract: every transition is atomic and guarded by the run
 * token, so a run that lost its job (a crash recovered elsewhere, a cancellation) can never write
 * over the outcome, and a job completes at most once.
 */
import type { BacktestFailure, BacktestOutcome, BacktestRecord, BacktestRequest, BacktestStatus } from "./record.js";

export interface NewBacktest {
  id: string;
  request: BacktestRequest;
  cacheKey: string;
  submittedAt: number;
}

export interface ListQuery {
  status?: BacktestStatus;
  /** Newest first, at most this many. */
  limit: number;
}

export interface BacktestStore {
  create(backtest: NewBacktest): Promise<void>;
  get(id: string): Promise<BacktestRecord | undefined>;
  list(query: ListQuery): Promise<BacktestRecord[]>;
  /**
   * A worker takes the job up: queued or running (a crashed run) becomes running under `token`.
   * Undefined when the job is finished (e.g. cancelled while it waited) or unknown.
   */
  start(id: string, token: string, now: number): Promise<BacktestRecord | undefined>;
  /** Progress 0-100 and an ETA; false when `token` no longer owns the run. */
  progress(id: string, token: string, progress: number, etaMs: number | undefined): Promise<boolean>;
  /** running -> completed with its report, and the cache entry; false when `token` lost the run. */
  complete(id: string, token: string, outcome: BacktestOutcome, now: number): Promise<boolean>;
  fail(id: string, token: string, failure: BacktestFailure, now: number): Promise<boolean>;
  /** running -> queued, before the queue retries the job. */
  requeue(id: string, token: string): Promise<boolean>;
  /** queued or running -> cancelled; returns the status after the call, undefined when unknown. */
  cancel(id: string, now: number): Promise<BacktestStatus | undefined>;
  /** Calls `listener` once when the job is cancelled; returns a function that stops watching. */
  onCancel(id: string, listener: () => void): () => void;
  report(id: string): Promise<Buffer | undefined>;
  png(id: string): Promise<Buffer | undefined>;
  /** Keeps a completed backtest's PNG; the first one stored stays (two renders are identical). */
  savePng(id: string, png: Buffer): Promise<void>;
  /** The id of a completed backtest with this cache key. */
  cached(cacheKey: string): Promise<string | undefined>;
  close(): Promise<void>;
}
