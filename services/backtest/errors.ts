/**
 * Backtest errors; each code is stable and appears first in a failed tool's text.
 * Prefixes name the stage that failed: DAT (data), SYN (compile), RUN (the strategy or its
 * output), TIM (limits), SBX (refused by the sandbox).
 */
import { QuantMindError } from "../shared/errors.js";

/** Base of every backtest error: `code` is stable, clients and tests match on it. */
export class BacktestError extends QuantMindError {}

// ---- DAT: data -------------------------------------------------------------------------------

/** A dataset name was refused: not a plain file name (separators, `..`, absolute) or a bad extension. */
export class DatasetNameError extends BacktestError {
  constructor(name: string, why: string) {
    super("DAT_INVALID_NAME", `dataset name ${JSON.stringify(name)} refused: ${why}`);
  }
}

/** No dataset of that name exists under the data directory. */
export class DatasetNotFoundError extends BacktestError {
  constructor(name: string) {
    super("DAT_NOT_FOUND", `no dataset ${JSON.stringify(name)}; list_datasets returns the available names`);
  }
}

/** A file could not be parsed (bad header, non-numeric field, missing column); names the row or column. */
export class DataParseError extends BacktestError {
  constructor(message: string, options?: ErrorOptions) {
    super("DAT_PARSE", message, options);
  }
}

/** Timestamps are not strictly increasing; names the first offending bar. */
export class DataOrderError extends BacktestError {
  constructor(index: number, previous: number, current: number) {
    super(
      "DAT_UNORDERED",
      `bar ${index} at ${new Date(current).toISOString()} is not after bar ${index - 1} at ${new Date(previous).toISOString()}: ` +
        "timestamps must be strictly increasing",
    );
  }
}

/** A bar's prices contradict each other (high below low, open/close outside [low, high], non-positive or NaN). */
export class DataOhlcError extends BacktestError {
  constructor(index: number, time: number, why: string) {
    super("DAT_OHLC_INCONSISTENT", `bar ${index} at ${new Date(time).toISOString()}: ${why}`);
  }
}

/** The dataset, or the requested range of it, holds no bars (or too few to backtest). */
export class DataEmptyError extends BacktestError {
  constructor(message: string) {
    super("DAT_EMPTY", message);
  }
}

/** A remote source (Binance) could not be reached or kept failing; the message names the endpoint. */
export class DataSourceError extends BacktestError {
  override readonly internal = false;

  constructor(message: string, options?: ErrorOptions) {
    super("DAT_SOURCE_FAILED", message, options);
  }
}

/** A remote source kept answering 429/418 until the retries ran out. */
export class DataRateLimitedError extends BacktestError {
  constructor(endpoint: string, attempts: number) {
    super("DAT_RATE_LIMITED", `${endpoint} rate-limited us on all ${attempts} attempt(s); wait a minute and try again`);
  }
}

/** A source does not support what was asked (a timeframe Binance has no interval for, an unknown file type). */
export class DataUnsupportedError extends BacktestError {
  constructor(message: string) {
    super("DAT_UNSUPPORTED", message);
  }
}

/** The configuration does not fit the dataset: a timeframe other than the file's, or a remote source without symbol or range. */
export class DataRequestError extends BacktestError {
  constructor(message: string) {
    super("DAT_INVALID_REQUEST", message);
  }
}

// ---- RUN: the strategy's output --------------------------------------------------------------

/** The strategy's targets cannot be traded: wrong length, infinite, or a size the sizing mode forbids. */
export class TargetError extends BacktestError {
  constructor(message: string) {
    super("RUN_INVALID_TARGET", message);
  }
}
