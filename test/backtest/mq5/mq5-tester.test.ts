/**
 * mq5 strategies end to end: the backtest runtime (in-process queue) submits them to the real
 * Python MT5 bridge (services/mt5-bridge/bridge.py --fake-mt5) on loopback TLS, whose tester_run
 * drives the fake MetaEditor and the fake portable tester terminal (services/mt5-bridge/tests/fakes:
 * they check the compile arguments, the tester ini and the compiled expert, and write MT5-style
 * logs and a UTF-16 HTML report). What comes back is mapped to the service's statistics and codes.
 */
import { copyFile } from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacktestRuntime, type BacktestRuntime } from "../../../services/backtest/main.js";
import { MQ5_UNAVAILABLE_STATISTICS } from "../../../services/backtest/mq5/tester-result.js";
import { loadBacktestEnv } from "../../../services/backtest/service-config.js";
import type { Workers } from "../../../services/backtest/queue/job-queue.js";
import { startBridge, type RunningBridge } from "../../brokers/helpers/mt5-bridge.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { waveDatasets } from "../helpers/wave-datasets.js";

const EXPERT = `input double Lots = 0.1;
int OnInit() { return(INIT_SUCCEEDED); }
void OnTick() {}
`;
const CONFIG = { symbol: "EURUSD", timeframe: 60, start: "2024-01-01", end: "2024-04-01", initial_capital: 10_000, params: { Lots: 0.2 } };
const FAKES = path.resolve("services/mt5-bridge/tests/fakes");

/** A bridge whose tester is a copy of the fakes in a directory of its own (their portable data folder). */
async function testerBridge(env: Record<string, string> = {}, runTimeoutS = 20): Promise<RunningBridge & { removeAll(): Promise<void> }> {
  const install = await makeTempDir("qm-mt5-tester-");
  for (const name of ["terminal64", "metaeditor64"]) await copyFile(path.join(FAKES, `${name}.py`), path.join(install.dir, name));
  const tester = { terminal_path: path.join(install.dir, "terminal64"), metaeditor_path: path.join(install.dir, "metaeditor64"), compile_timeout_s: 10, run_timeout_s: runTimeoutS };
  const bridge = await startBridge({ env, config: { tester } });
  return Object.assign(bridge, { removeAll: async () => (await bridge.remove(), await install.remove()) });
}

function runtimeFor(bridge: RunningBridge | undefined, extra: Record<string, string> = {}): { runtime: BacktestRuntime; workers: Workers } {
  const env = loadBacktestEnv({
    BACKTEST_ATTEMPTS: "1",
    BACKTEST_WORKERS: "1",
    ...(bridge && {
      BACKTEST_MT5_HOST: "127.0.0.1",
      BACKTEST_MT5_PORT: String(bridge.port),
      BACKTEST_MT5_TOKEN: bridge.token,
      BACKTEST_MT5_FINGERPRINT: bridge.cert.fingerprint,
    }),
    ...extra,
  });
  const runtime = createBacktestRuntime(env, pino({ level: "silent" }), waveDatasets());
  return { runtime, workers: runtime.startWorkers() };
}

async function finished(runtime: BacktestRuntime, code: string, config: Record<string, unknown> = CONFIG) {
  const { id } = await runtime.service.submit({ code, language: "mq5", config, dataset: "mt5" });
  const [record] = await runtime.service.waitFor([id], 30_000);
  return record!;
}

describe("mq5 strategies through the MT5 bridge's Strategy Tester", () => {
  let bridge: Awaited<ReturnType<typeof testerBridge>>;
  let setup: ReturnType<typeof runtimeFor>;
  beforeAll(async () => {
    bridge = await testerBridge();
    setup = runtimeFor(bridge);
  }, 30_000);
  afterAll(async () => {
    await setup?.runtime.close();
    await bridge?.removeAll();
  });

  it("compiles and tests the expert, mapping the tester's report to the statistics", async () => {
    const record = await finished(setup.runtime, EXPERT);
    expect(record.status).toBe("completed");
    const s = record.statistics!;
    // The fake's net profit is Deposit x Lots x 0.5 = 1,000 on 10,000 (Lots came through as an input).
    expect(s.return_pct).toBeCloseTo(10, 10);
    expect(s.equity_final).toBe(11_000);
    expect([s.trades, s.win_rate_pct, record.tradeCount]).toEqual([40, 60, 40]);
    expect(s.mt5_sharpe_ratio).toBe(1.25);
    expect(s.mt5_profit_factor).toBe(2);
    expect(typeof s.max_drawdown_pct === "number" && s.max_drawdown_pct < 0).toBe(true);
    // Definitions the summary cannot give are null, never made up.
    for (const name of ["sharpe_ratio", "buy_hold_return_pct", "cagr_pct", "sqn", "exposure_time_pct"]) expect(s[name], name).toBeNull();
    const report = JSON.parse((await setup.runtime.service.store.report(record.id))!.toString("utf8")) as Record<string, unknown>;
    expect(report.unavailable).toEqual(MQ5_UNAVAILABLE_STATISTICS);
    expect(report.tester_run).toMatchObject({ symbol: "EURUSD", timeframe_minutes: 60, from_date: "2024-01-01", to_date: "2024-03-31", deposit: 10_000 });
    expect((report.tester_report as Record<string, string>).Period).toBe("H1 (2024.01.01 - 2024.03.31)");
    expect(report.compile_log).toMatch(/Result: 0 errors/);
  });

  it("answers a repeat from the cache, and keys the cache by code and config", async () => {
    const again = await setup.runtime.service.submit({ code: EXPERT, language: "mq5", config: CONFIG, dataset: "mt5" });
    expect(again.cached).toBe(true);
    const other = await setup.runtime.service.submit({ code: EXPERT, language: "mq5", config: { ...CONFIG, params: { Lots: 0.4 } }, dataset: "mt5" });
    expect(other.cached).toBe(false);
    expect((await setup.runtime.service.waitFor([other.id], 30_000))[0]!.statistics!.return_pct).toBeCloseTo(20, 10);
  });

  it("reports a compile error as SYN_COMPILE with MetaEditor's line and message", async () => {
    const record = await finished(setup.runtime, "#error nope\nvoid OnTick() {}\n");
    expect(record.status).toBe("failed");
    expect(record.failure).toMatchObject({ code: "SYN_COMPILE", line: 1 });
    expect(record.failure!.message).toMatch(/'#error' directive/);
  });

  it("refuses at submission what the tester cannot take, naming the field", async () => {
    const submit = (config: Record<string, unknown>, dataset = "mt5") => setup.runtime.service.submit({ code: EXPERT, language: "mq5", config, dataset });
    await expect(submit(CONFIG, "wave-300")).rejects.toMatchObject({ code: "INVALID_REQUEST", message: expect.stringMatching(/dataset "mt5"/) });
    await expect(submit({ ...CONFIG, symbol: undefined })).rejects.toMatchObject({ message: expect.stringMatching(/^config\.symbol/) });
    await expect(submit({ ...CONFIG, end: undefined })).rejects.toMatchObject({ message: expect.stringMatching(/config\.start and config\.end/) });
    await expect(submit({ ...CONFIG, commission: 0.001 })).rejects.toMatchObject({ message: expect.stringMatching(/^config\.commission: does not apply to mq5/) });
    // The bridge's own validation (an input name MQL5 cannot take) comes back as INVALID_REQUEST at run time.
    const record = await finished(setup.runtime, EXPERT, { ...CONFIG, params: { ["x".repeat(64)]: 1 } });
    expect(record.failure).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringMatching(/tester parameters.*inputs/) });
  });
});

describe("mq5 failures", () => {
  it("MQ5_UNAVAILABLE without a bridge, naming what to set; a half-set bridge is a config error", async () => {
    const { runtime } = runtimeFor(undefined);
    try {
      const refused = runtime.service.submit({ code: EXPERT, language: "mq5", config: CONFIG, dataset: "mt5" });
      await expect(refused).rejects.toMatchObject({ code: "MQ5_UNAVAILABLE", message: expect.stringMatching(/BACKTEST_MT5_HOST.*BACKTEST_MT5_TOKEN.*BACKTEST_MT5_FINGERPRINT/) });
    } finally {
      await runtime.close();
    }
    expect(() => runtimeFor(undefined, { BACKTEST_MT5_HOST: "127.0.0.1" })).toThrow(/half configured: BACKTEST_MT5_TOKEN, BACKTEST_MT5_FINGERPRINT unset/);
  });

  it("a wrong token or certificate is MQ5_BRIDGE (final); a bridge that is down is retried, then INTERNAL", async () => {
    const bridge = await testerBridge();
    try {
      for (const [name, value] of [["BACKTEST_MT5_TOKEN", "t".repeat(40)], ["BACKTEST_MT5_FINGERPRINT", "ab".repeat(32)]] as const) {
        const { runtime } = runtimeFor(bridge, { [name]: value });
        try {
          const record = await finished(runtime, EXPERT);
          expect(record.failure, name).toMatchObject({ code: "MQ5_BRIDGE", message: expect.stringMatching(/BACKTEST_MT5_TOKEN and BACKTEST_MT5_FINGERPRINT/) });
          expect(record.failure!.message).not.toContain(bridge.token);
        } finally {
          await runtime.close();
        }
      }
      const { runtime } = runtimeFor(bridge);
      try {
        await bridge.stop();
        const record = await finished(runtime, EXPERT);
        expect([record.status, record.failure?.code, record.starts]).toEqual(["failed", "INTERNAL", 1]);
      } finally {
        await runtime.close();
      }
    } finally {
      await bridge.removeAll();
    }
  }, 60_000);

  it("a tester that never finishes: the bridge's run limit, or ours first, is TIM_MQ5_TESTER", async () => {
    const bridge = await testerBridge({ FAKE_TERMINAL_MODE: "hang" }, 1);
    try {
      const theirs = runtimeFor(bridge);
      try {
        const record = await finished(theirs.runtime, EXPERT);
        expect(record.failure).toMatchObject({ code: "TIM_MQ5_TESTER", message: expect.stringMatching(/timed out after 1 s/) });
      } finally {
        await theirs.runtime.close();
      }
      const ours = runtimeFor(bridge, { BACKTEST_TIME_LIMIT_MS: "300" });
      try {
        const record = await finished(ours.runtime, EXPERT);
        expect(record.failure).toMatchObject({ code: "TIM_MQ5_TESTER", message: expect.stringMatching(/within 300 ms \(BACKTEST_TIME_LIMIT_MS\)/) });
      } finally {
        await ours.runtime.close();
      }
    } finally {
      await bridge.removeAll();
    }
  }, 60_000);
});
