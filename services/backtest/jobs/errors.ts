/** Errors of the backtest job service (tools, queue, store); codes are stable and appear first in a failed tool's text. */
import { QuantMindError } from "../../shared/errors.js";
import { MQ5_SETUP } from "../mq5/bridge-settings.js";

/** No backtest with this id. */
export class BacktestNotFoundError extends QuantMindError {
  constructor(id: string) {
    super("NOT_FOUND", `no backtest ${JSON.stringify(id)}; list_backtests shows the known ids`);
  }
}

/** A job ran past the service's per-job time limit. */
export class JobTimeLimitError extends QuantMindError {
  constructor(limitMs: number) {
    super("TIM_JOB_LIMIT", `the backtest ran longer than the per-job limit of ${limitMs} ms (BACKTEST_TIME_LIMIT_MS)`);
  }
}

/** The job did not finish for a reason outside the strategy (after every retry). */
export class JobInternalError extends QuantMindError {
  constructor(attempts: number) {
    super("INTERNAL", `the backtest failed on the server side ${attempts} time(s); the worker log has the details`);
  }
}

/** An optimisation grid with more points than the service runs at once. */
export class GridTooLargeError extends QuantMindError {
  constructor(points: number, max: number) {
    super("GRID_TOO_LARGE", `the grid has ${points} points; at most ${max} are run at once: use fewer values per parameter`);
  }
}

/** The metric to rank by is not among the statistics the engine reports. */
export class UnknownMetricError extends QuantMindError {
  constructor(metric: string, known: string[]) {
    super("UNKNOWN_METRIC", `no statistic named ${JSON.stringify(metric)}; rank by one of: ${known.join(", ")}`);
  }
}

/** A request the config schema or the dataset catalogue refuses before anything is queued. */
export class InvalidRequestError extends QuantMindError {
  constructor(message: string) {
    super("INVALID_REQUEST", message);
  }
}

/**
 * MQ5 strategies run in the MetaTrader 5 Strategy Tester behind the MT5 bridge (mq5/run-mq5.ts);
 * without a bridge configured an MQ5 job is refused at submission rather than queued to fail later.
 */
export class Mq5UnavailableError extends QuantMindError {
  constructor() {
    super(
      "MQ5_UNAVAILABLE",
      "MQ5 strategies run in the MetaTrader 5 Strategy Tester behind the MT5 bridge, and this backtest service has no bridge " +
        `configured: ${MQ5_SETUP}; or submit the strategy in javascript, typescript or python`,
    );
  }
}
