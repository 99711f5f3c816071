/**
 * One backtest as the service tracks it, from submission to its outcome. The same shape lives in
 * memory or in a Redis hash, so both stores and every tool read one type.
 */

export const BACKTEST_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

/** A status that never changes again. */
export function isFinished(status: BacktestStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

export const STRATEGY_LANGUAGES = ["javascript", "typescript", "python", "mq5"] as const;
export type StrategyLanguage = (typeof STRATEGY_LANGUAGES)[number];

/** What a client submitted; the config is kept as given and parsed again by the processor. */
export interface BacktestRequest {
  code: string;
  language: StrategyLanguage;
  /** The backtest configuration (validated against BacktestConfigSchema at submission). */
  config: Record<string, unknown>;
  dataset: string;
}

/** Why a backtest failed: a stable code (SYN_, DAT_, RUN_, TIM_, SBX_, ...) and, for SYN and RUN, the line. */
export interface BacktestFailure {
  code: string;
  message: string;
  line?: number;
}

export interface BacktestRecord {
  id: string;
  status: BacktestStatus;
  request: BacktestRequest;
  /** sha256 over code, language, canonical config and the data fingerprint. */
  cacheKey: string;
  /** 0-100. */
  progress: number;
  /** Estimated milliseconds until done, while running. */
  etaMs?: number;
  submittedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Times a worker took the job up (a retry or a recovered crash makes it more than one). */
  starts: number;
  /** Times the job completed: 1 or 0, the exactly-once property tests check. */
  completions: number;
  /** The run currently allowed to report; a superseded run's writes are refused. */
  runToken?: string;
  statistics?: Record<string, number | string | null>;
  tradeCount?: number;
  failure?: BacktestFailure;
}

/**
 * What a finished run hands the store: the summary for status calls and the report. The PNG is
 * drawn from the report's chart series when first asked for (BacktestService.png), which keeps
 * its rendering off the path from submission to completion.
 */
export interface BacktestOutcome {
  statistics: Record<string, number | string | null>;
  tradeCount: number;
  /** The full report, JSON. */
  report: Buffer;
}
