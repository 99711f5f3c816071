/**
 * The bridge's tester report as this service's statistics and report. The tester's summary has
 * money totals, trade counts and drawdowns, but no equity curve and no trade list, so only the
 * statistics whose definition is the same as the engine's (backtesting.py's) are filled:
 * return_pct, equity_final, trades, win_rate_pct, max_drawdown_pct (the equity drawdown from the
 * running peak). Every other engine statistic is null and named in the report's `unavailable`.
 * The tester's own figures, defined differently (profit factor and Sharpe ratio on money rather
 * than trade returns, payoff in money), are kept under `mt5_` names.
 */
import type { BacktestConfig } from "../config.js";
import type { BacktestStats } from "../engine/types.js";
import type { BacktestOutcome } from "../jobs/record.js";
import { Mq5TesterError } from "./errors.js";
import type { TesterRunParams } from "./tester-request.js";

/** `tester_run`'s result (docs/mt5-bridge-protocol.md); a statistic the report lacks is null. */
export interface TesterRunResult {
  statistics: Record<(typeof TESTER_STATISTICS)[number], number | null>;
  report: Record<string, string>;
  compile_log: string;
}

export const TESTER_STATISTICS = [
  "initial_deposit",
  "total_net_profit",
  "gross_profit",
  "gross_loss",
  "profit_factor",
  "expected_payoff",
  "recovery_factor",
  "sharpe_ratio",
  "balance_drawdown_max",
  "balance_drawdown_max_pct",
  "equity_drawdown_max",
  "equity_drawdown_max_pct",
  "total_trades",
  "total_deals",
  "profit_trades",
  "loss_trades",
] as const;

/** Engine statistics the tester's summary can give. */
const FILLED = ["start", "end", "duration_days", "equity_final", "return_pct", "max_drawdown_pct", "trades", "win_rate_pct"] as const;

/** Every engine statistic, in the engine's order: the keys an mq5 result has too. */
const ENGINE_KEYS: (keyof BacktestStats)[] = [
  "start", "end", "duration_days", "bars", "exposure_time_pct", "equity_final", "equity_peak", "commissions", "return_pct",
  "buy_hold_return_pct", "return_ann_pct", "volatility_ann_pct", "cagr_pct", "sharpe_ratio", "sortino_ratio", "calmar_ratio",
  "alpha_pct", "beta", "max_drawdown_pct", "avg_drawdown_pct", "max_drawdown_duration_days", "avg_drawdown_duration_days",
  "max_drawdown_duration_bars", "avg_drawdown_duration_bars", "trades", "win_rate_pct", "best_trade_pct", "worst_trade_pct",
  "avg_trade_pct", "max_trade_duration_days", "avg_trade_duration_days", "max_trade_duration_bars", "avg_trade_duration_bars",
  "profit_factor", "expectancy_pct", "sqn", "kelly_criterion", "annual_periods",
];

/** The engine statistics an mq5 result leaves null (the tester's summary cannot give them). */
export const MQ5_UNAVAILABLE_STATISTICS: readonly string[] = ENGINE_KEYS.filter((k) => !(FILLED as readonly string[]).includes(k));

/** Checks the result's shape (the bridge is another program) and maps it; RUN_MQ5_TESTER if it is not a report. */
export function testerOutcome(result: unknown, params: TesterRunParams, config: BacktestConfig): BacktestOutcome {
  const tester = checked(result);
  const s = tester.statistics;
  const deposit = s.initial_deposit ?? params.deposit;
  const net = s.total_net_profit;
  const trades = s.total_trades;
  const statistics: Record<string, number | string | null> = Object.fromEntries(ENGINE_KEYS.map((k) => [k, null]));
  Object.assign(statistics, {
    start: `${params.from_date}T00:00:00.000Z`,
    end: `${params.to_date}T00:00:00.000Z`,
    duration_days: (Date.parse(params.to_date) - Date.parse(params.from_date)) / 86_400_000,
    equity_final: net === null ? null : deposit + net,
    return_pct: net === null ? null : (net / deposit) * 100,
    max_drawdown_pct: s.equity_drawdown_max_pct === null ? null : -Math.abs(s.equity_drawdown_max_pct),
    trades,
    win_rate_pct: trades === null || trades === 0 || s.profit_trades === null ? null : (s.profit_trades / trades) * 100,
  });
  for (const name of TESTER_STATISTICS) if (name !== "initial_deposit") statistics[`mt5_${name}`] = s[name];
  const report = {
    dataset: "mt5",
    language: "mq5" as const,
    engine: "mt5_strategy_tester",
    config,
    tester_run: { symbol: params.symbol, timeframe_minutes: params.timeframe_minutes, from_date: params.from_date, to_date: params.to_date, deposit: params.deposit },
    statistics,
    unavailable: MQ5_UNAVAILABLE_STATISTICS,
    tester_report: tester.report,
    compile_log: tester.compile_log,
  };
  return { statistics, tradeCount: trades ?? 0, report: Buffer.from(JSON.stringify(report)) };
}

function checked(result: unknown): TesterRunResult {
  const r = result as Partial<TesterRunResult> | null;
  const stats = r?.statistics as Record<string, unknown> | undefined;
  if (typeof stats !== "object" || stats === null || typeof r?.report !== "object" || r.report === null) {
    throw new Mq5TesterError("the MT5 bridge answered tester_run without statistics and a report");
  }
  for (const name of TESTER_STATISTICS) {
    const v = stats[name];
    if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) throw new Mq5TesterError(`the tester report's ${name} is not a number or null`);
  }
  return { statistics: stats as TesterRunResult["statistics"], report: r.report, compile_log: typeof r.compile_log === "string" ? r.compile_log : "" };
}
