/**
 * One backtest from request to outcome: load the bars the configuration selects, run the strategy
 * in the sandbox (targets per bar), run the engine over them, and keep the statistics, the report
 * (the picture is drawn from it on first request). Every stage reports progress; the signal reaches the sandbox, where a strategy
 * spends nearly all of a job's time.
 */
import type { BacktestConfig } from "../config.js";
import type { Bars } from "../engine/bars.js";
import type { EngineOptions, EngineResult } from "../engine/types.js";
import type { Mq5Runner } from "../mq5/run-mq5.js";
import type { SandboxLimitsInput } from "../sandbox/limits.js";
import type { StrategyRequest } from "../sandbox/run-strategy.js";
import { parseConfig } from "./backtest-service.js";
import { Mq5UnavailableError } from "./errors.js";
import type { DatasetCatalog } from "./datasets.js";
import type { BacktestProcessor } from "./job-runner.js";
import type { BacktestOutcome } from "./record.js";
import { buildReport } from "./report.js";

export type RunStrategy = (run: StrategyRequest) => Promise<Float64Array>;
export type RunEngine = (bars: Bars, targets: Float64Array, config: BacktestConfig, options?: EngineOptions) => EngineResult;

export interface ProcessorDeps {
  datasets: DatasetCatalog;
  runStrategy: RunStrategy;
  runEngine: RunEngine;
  /** Sandbox limits of every job (the time limit is the job's own). */
  limits?: SandboxLimitsInput;
  /** The MT5 bridge's Strategy Tester for mq5 jobs; unset: MQ5_UNAVAILABLE. */
  mq5?: Mq5Runner;
}

/** Shares of the progress bar: data, strategy, engine, picture. */
const STAGES = { data: 0.05, strategy: 0.85, engine: 0.95 } as const;

export function createBacktestProcessor(deps: ProcessorDeps): BacktestProcessor {
  return async (request, { signal, onProgress }): Promise<BacktestOutcome> => {
    if (request.language === "mq5") {
      if (deps.mq5 === undefined) throw new Mq5UnavailableError();
      const outcome = await deps.mq5.run(request.code, request.dataset, parseConfig(request.config), signal);
      onProgress(1);
      return outcome;
    }
    const language = request.language;
    const config = parseConfig(request.config);
    const { bars } = await deps.datasets.load(request.dataset, config);
    signal.throwIfAborted();
    onProgress(STAGES.data);
    let warmupBars = 0;
    const targets = await deps.runStrategy({
      language,
      code: request.code,
      bars,
      params: config.params,
      ...(deps.limits !== undefined && { limits: deps.limits }),
      onProgress: (f) => onProgress(STAGES.data + (STAGES.strategy - STAGES.data) * f),
      // Buy-and-hold starts where the strategy's indicators first have values (backtesting.py).
      onWarmup: (w) => (warmupBars = w),
      signal,
    });
    signal.throwIfAborted();
    const result = deps.runEngine(bars, targets, config, { warmupBars });
    onProgress(STAGES.engine);
    const report = Buffer.from(JSON.stringify(buildReport(request, config, bars, result, warmupBars)));
    onProgress(1);
    return { statistics: { ...result.stats }, tradeCount: result.trades.length, report };
  };
}
