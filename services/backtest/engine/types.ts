/**
 * What the engine returns: the trades, the equity and drawdown curves and the statistics.
 * Statistic names follow backtesting.py's `compute_stats` (its `_stats.py`), snake_cased;
 * a statistic that is undefined for the run (win rate with no trades) is `null`, never NaN,
 * so results survive JSON.
 */

/** One closed trade. Prices are fill prices, slippage included. */
export interface Trade {
  /** Bar index and time (epoch ms) of the entry fill. */
  entry_bar: number;
  entry_time: number;
  /** Bar index and time (epoch ms) of the exit fill. */
  exit_bar: number;
  exit_time: number;
  side: "long" | "short";
  /** Units traded, always positive (the side says the direction). */
  size: number;
  entry_price: number;
  exit_price: number;
  /** Profit or loss in cash, both commissions deducted. */
  pnl: number;
  /** Return in percent of the entry value, both commissions deducted (backtesting.py's `ReturnPct` x 100). */
  return_pct: number;
  /** Commission paid on entry and exit together. */
  commission: number;
}

/** The statistics of one run; names follow backtesting.py, snake_cased. `null` = undefined for this run. */
export interface BacktestStats {
  /** First and last bar (ISO 8601, UTC) and the calendar span between them in days. */
  start: string;
  end: string;
  duration_days: number;
  bars: number;
  /** Bars with an open position, in percent of all bars (entry and exit bars included). */
  exposure_time_pct: number;
  equity_final: number;
  equity_peak: number;
  /** Commissions paid over the run. */
  commissions: number;
  return_pct: number;
  /** Close-to-close return of the instrument from the first tradable bar (after the strategy's warm-up). */
  buy_hold_return_pct: number;
  /** Geometric mean daily return compounded over `annual_periods` periods. */
  return_ann_pct: number | null;
  volatility_ann_pct: number | null;
  cagr_pct: number | null;
  sharpe_ratio: number | null;
  sortino_ratio: number | null;
  calmar_ratio: number | null;
  /** Jensen's alpha against buy-and-hold, and beta of the bar log returns. */
  alpha_pct: number | null;
  beta: number | null;
  /** Drawdowns are negative percentages (-47.98 = a 47.98% fall from the peak). */
  max_drawdown_pct: number;
  avg_drawdown_pct: number | null;
  /** Drawdown durations in calendar days (rounded up to the data's resolution) and in bars. */
  max_drawdown_duration_days: number | null;
  avg_drawdown_duration_days: number | null;
  max_drawdown_duration_bars: number | null;
  avg_drawdown_duration_bars: number | null;
  trades: number;
  win_rate_pct: number | null;
  best_trade_pct: number | null;
  worst_trade_pct: number | null;
  /** Geometric mean of the trade returns. */
  avg_trade_pct: number | null;
  max_trade_duration_days: number | null;
  avg_trade_duration_days: number | null;
  max_trade_duration_bars: number | null;
  avg_trade_duration_bars: number | null;
  /** Sum of winning trade returns over the absolute sum of losing ones. */
  profit_factor: number | null;
  /** Arithmetic mean of the trade returns. */
  expectancy_pct: number | null;
  /** Van Tharp's System Quality Number: sqrt(trades) x mean(pnl) / std(pnl). */
  sqn: number | null;
  kelly_criterion: number | null;
  /** Periods per year used to annualise (252 for weekday data, 365 with weekends, 52 weekly, 12 monthly, 1 yearly). */
  annual_periods: number | null;
}

/** Everything one engine run produces. Curves have one value per bar. */
export interface EngineResult {
  trades: Trade[];
  /** Account equity at each bar's close (cash plus open profit). */
  equity: Float64Array;
  /** Drawdown from the running equity peak at each bar, a fraction in [0, 1] (0.25 = 25% below the peak). */
  drawdown: Float64Array;
  stats: BacktestStats;
}

/** Engine options that are not part of the user's configuration. */
export interface EngineOptions {
  /**
   * Bars the strategy needed before it could act (the longest indicator look-back minus one,
   * e.g. 29 for a 30-bar SMA); buy-and-hold is measured from this bar, as backtesting.py
   * does. Default 0.
   */
  warmupBars?: number;
}
