/**
 * Buy-and-hold starts where the strategy can first trade, as backtesting.py measures it: the
 * longest leading-NaN run of the indicator helpers the strategy called. SmaCross(10, 30) on the
 * bundled GOOG data through the whole service (sandbox, engine, report), in JavaScript and
 * Python: the published Buy & Hold Return (522.06%, from bar 29) and the rest of the run.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetsFromEnv } from "../../../services/backtest/datasets-from-env.js";
import { createBacktestRuntime, type BacktestRuntime } from "../../../services/backtest/main.js";
import { runStrategy } from "../../../services/backtest/sandbox/run-strategy.js";
import { loadBacktestEnv } from "../../../services/backtest/service-config.js";
import { JS_SMA_CROSS, makeBars, PY_SMA_CROSS } from "../sandbox/sandbox-fixtures.js";

const GOOG = "GOOG-daily-2004-2013.csv";

describe("buy-and-hold from the strategy's warm-up", () => {
  let runtime: BacktestRuntime;
  beforeAll(() => {
    const env = loadBacktestEnv({ BACKTEST_WORKERS: "2", BACKTEST_ATTEMPTS: "1" });
    runtime = createBacktestRuntime(env, pino({ level: "silent" }), datasetsFromEnv(env));
    runtime.startWorkers();
  });
  afterAll(() => runtime.close());

  it("SmaCross(10, 30) on GOOG in JavaScript and Python: buy-and-hold from bar 29, as published", async () => {
    const submitted = await Promise.all(
      [
        ["javascript", JS_SMA_CROSS],
        ["python", PY_SMA_CROSS],
      ].map(([language, code]) => runtime.service.submit({ code: code!, language: language as "javascript" | "python", config: { params: { fast: 10, slow: 30 } }, dataset: GOOG })),
    );
    for (const record of await runtime.service.waitFor(submitted.map((s) => s.id), 60_000)) {
      expect(record.status, record.request.language).toBe("completed");
      expect(record.statistics!.buy_hold_return_pct).toBeCloseTo(522.0601851851852, 6);
      expect(record.statistics!.equity_final).toBeCloseTo(51422.98999999996, 6);
      expect(record.statistics!.trades).toBe(66);
      const { chart } = JSON.parse((await runtime.service.store.report(record.id))!.toString("utf8")) as { chart: { buy_hold: number[] } };
      expect(chart.buy_hold[0]).toBe(10_000); // held cash until bar 29
    }
  });

  it("reports the longest helper warm-up; 0 without helpers", async () => {
    const bars = makeBars(200);
    const warmupOf = async (language: "javascript" | "python", code: string, options = {}) => {
      let warmup = -1;
      await runStrategy({ language, code, bars, params: {}, onWarmup: (w) => (warmup = w) }, options);
      return warmup;
    };
    const js = (body: string) => `import { sma, ema, rsi, atr, bollinger, crossover } from "quantmind";\nexport function signals(d) { ${body}; return new Float64Array(d.length).fill(NaN); }`;
    expect(await warmupOf("javascript", js("sma(d.close, 5); rsi(d.close); crossover(d.close, 100)"))).toBe(14);
    expect(await warmupOf("javascript", js("bollinger(d.close, 40); atr(d.high, d.low, d.close, 3)"))).toBe(39);
    expect(await warmupOf("javascript", js("ema(d.close, 200)"))).toBe(199);
    expect(await warmupOf("javascript", js("sma(d.close, 500)"))).toBe(0); // never defined: counts as none, as in backtesting.py
    expect(await warmupOf("javascript", js("1"))).toBe(0);
    const py = (body: string) => `from quantmind import sma, ema, rsi, atr, bollinger, crossover\ndef signals(d, p):\n    ${body}\n    return [None] * len(d)\n`;
    for (const options of [{}, { python: { python: "/usr/bin/python3" } }]) {
      expect(await warmupOf("python", py("sma(d.close, 5); rsi(d.close); crossover(d.close, 100)"), options)).toBe(14);
      expect(await warmupOf("python", py("bollinger(d.close, 40); atr(d.high, d.low, d.close, 3)"), options)).toBe(39);
      expect(await warmupOf("python", py("pass"), options)).toBe(0);
    }
  });
});
