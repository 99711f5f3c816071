/**
 * A backtest configuration as the bridge's `tester_run` params. The Strategy Tester trades the
 * Expert Advisor's own orders on the broker's history with the broker's symbol settings, so only
 * the instrument, timeframe, dates, deposit and inputs carry over; a setting the tester would
 * ignore (commission, slippage, fill, sizing, allow_short, close_at_end) is refused when it is
 * not the default, rather than silently dropped.
 */
import type { BacktestConfig } from "../config.js";
import { InvalidRequestError } from "../jobs/errors.js";

/** The one dataset name an mq5 job takes: the bars are the MT5 terminal's own history. */
export const MQ5_DATASET = "mt5";

export interface TesterRunParams {
  expert_source: string;
  symbol: string;
  timeframe_minutes: number;
  from_date: string;
  to_date: string;
  deposit: number;
  inputs: Record<string, number | string | boolean>;
}

const DAY_MS = 86_400_000;

export function testerRunParams(code: string, dataset: string, config: BacktestConfig): TesterRunParams {
  if (dataset !== MQ5_DATASET) {
    throw new InvalidRequestError(`dataset: an mq5 strategy runs on the MT5 terminal's own history: use dataset "${MQ5_DATASET}", not ${JSON.stringify(dataset)}`);
  }
  if (config.symbol === undefined) throw new InvalidRequestError("config.symbol: required for mq5 (the MT5 symbol to test, e.g. EURUSD)");
  if (config.start === undefined || config.end === undefined) {
    throw new InvalidRequestError("config.start and config.end: both required for mq5 (the tester's FromDate and ToDate)");
  }
  const ignored: string[] = [];
  if (config.commission !== 0) ignored.push("commission");
  if (config.slippage !== 0) ignored.push("slippage");
  if (config.fill !== "next_open") ignored.push("fill");
  if (config.sizing.mode !== "all_in_units") ignored.push("sizing");
  if (!config.allow_short) ignored.push("allow_short");
  if (!config.close_at_end) ignored.push("close_at_end");
  if (ignored.length > 0) {
    throw new InvalidRequestError(
      `config.${ignored[0]}: does not apply to mq5 (${ignored.join(", ")}): the Strategy Tester uses the broker's symbol settings and the ` +
        "Expert Advisor's own orders; leave them at their defaults",
    );
  }
  // `end` is exclusive here and ToDate inclusive in the tester: the last day is the one before it.
  const from = utcDay(Date.parse(config.start));
  const to = utcDay(Date.parse(config.end) - 1);
  if (to <= from) throw new InvalidRequestError("config.end: the tester needs at least two calendar days between start and end (UTC)");
  return {
    expert_source: code,
    symbol: config.symbol,
    timeframe_minutes: config.timeframe,
    from_date: new Date(from).toISOString().slice(0, 10),
    to_date: new Date(to).toISOString().slice(0, 10),
    deposit: config.initial_capital,
    inputs: { ...config.params },
  };
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
