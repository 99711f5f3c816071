import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBacktestFile } from "../../../services/backtest/cli/run-command.js";
import { BUNDLED_DATA_DIR } from "../../../services/backtest/service-config.js";
import { CLI } from "../../helpers/cli-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { decodePng } from "../charts/png-decode.js";
import { JS_SMA_CROSS, JS_THROWS_ON_LINE_3 } from "../helpers/wave-datasets.js";

let temp: { dir: string; remove: () => Promise<void> };
const GOOG = "GOOG-daily-2004-2013.csv";
const env = () => ({ PATH: process.env.PATH ?? "", BACKTEST_DATA_DIR: BUNDLED_DATA_DIR, LOG_LEVEL: "warn" });

beforeAll(async () => {
  temp = await makeTempDir("qm-bt-cli-");
  await writeFile(path.join(temp.dir, "sma.js"), JS_SMA_CROSS);
  await writeFile(path.join(temp.dir, "throws.js"), JS_THROWS_ON_LINE_3);
  await writeFile(path.join(temp.dir, "config.json"), JSON.stringify({ params: { fast: 10, slow: 30 }, commission: 0.001 }));
  await writeFile(path.join(temp.dir, "bad.json"), "{ params: ");
});
afterAll(() => temp?.remove());

function capture() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk) => (text += String(chunk)));
  return { out, text: () => text };
}

describe("quantmind backtest run", () => {
  it("prints the statistics table and writes the chart and the report", async () => {
    const { out, text } = capture();
    const png = path.join(temp.dir, "chart.png");
    const report = path.join(temp.dir, "report.json");
    await runBacktestFile(path.join(temp.dir, "sma.js"), { dataset: GOOG, config: path.join(temp.dir, "config.json"), out: png, report }, out, env());
    expect(text()).toMatch(/^statistic\s+value/);
    expect(text()).toMatch(/sharpe_ratio\s+-?\d+\.\d{4}/);
    expect(text()).toMatch(/commissions\s+\d+\.\d+/); // the config file's commission reached the engine
    const decoded = decodePng(await readFile(png));
    expect([decoded.width, decoded.height]).toEqual([1000, 600]);
    expect(JSON.parse(await readFile(report, "utf8")).config.commission).toBe(0.001);
  });

  it("fails with the strategy's code and line, and names a bad config file or language", async () => {
    const { out } = capture();
    await expect(runBacktestFile(path.join(temp.dir, "throws.js"), { dataset: GOOG }, out, env())).rejects.toThrow(/^RUN_THREW: .*deliberate 1 \(line 3\)$/);
    await expect(runBacktestFile(path.join(temp.dir, "sma.js"), { dataset: GOOG, config: path.join(temp.dir, "bad.json") }, out, env())).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(runBacktestFile(path.join(temp.dir, "config.json"), { dataset: GOOG }, out, env())).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(runBacktestFile(path.join(temp.dir, "nope.js"), { dataset: GOOG }, out, env())).rejects.toThrow(/cannot read the strategy file/);
  });
});

describe("the CLI wiring", () => {
  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...env(), ...extra }, cwd: temp.dir });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => (stdout += String(c)));
      child.stderr.on("data", (c) => (stderr += String(c)));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  it("runs `backtest run` end to end, and `worker backtest` without REDIS_URL stops with one line and exit code 2", async () => {
    const ok = await run(["backtest", "run", "sma.js", "--dataset", GOOG, "--config", "config.json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("return_pct");
    expect(decodePng(await readFile(path.join(temp.dir, "sma.png"))).width).toBe(1000);
    const failed = await run(["backtest", "run", "throws.js", "--dataset", GOOG]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/quantmind: RUN_THREW: .*\(line 3\)/);
    const worker = await run(["worker", "backtest"]);
    expect(worker.code).toBe(2);
    expect(worker.stderr.trim()).toMatch(/^quantmind: REDIS_URL is not set/);
  }, 240_000); // three CLI starts: each loads every service's code through tsx
});
