/**
 * The backtest MCP server as deployed: `quantmind serve backtest` launched over stdio and over
 * Streamable HTTP, driven by the official MCP client through every tool and resource, once with
 * the in-process queue (no Redis) and once with a real redis-server and a hardened
 * `quantmind worker backtest` process running the jobs.
 */
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_DATA_DIR } from "../../../services/backtest/service-config.js";
import { connectCliHttp, connectCliStdio, type ConnectedCli } from "../../helpers/cli-server.js";
import { startRedis, type TestRedis } from "../../helpers/redis-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { decodePng } from "../charts/png-decode.js";
import { JS_SMA_CROSS, JS_SPIN } from "../helpers/wave-datasets.js";
import { startWorker, type RunningWorker } from "../helpers/worker-process.js";

const API_KEY = "backtest-e2e-key-0123456789";
const GOOG = "GOOG-daily-2004-2013.csv";

const PY_SMA_CROSS = `from quantmind import sma, crossover
def signals(data, params):
    fast, slow = sma(data.close, params["fast"]), sma(data.close, params["slow"])
    up, down = crossover(fast, slow), crossover(slow, fast)
    return [1.0 if up[i] else (-1.0 if down[i] else None) for i in range(len(data))]
`;

let temp: { dir: string; remove: () => Promise<void> };
let redis: TestRedis | undefined;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  temp = await makeTempDir("qm-bt-e2e-");
});
afterAll(async () => {
  await worker?.stop();
  await redis?.stop();
  await temp?.remove();
});

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "", QM_DATA_DIR: path.join(temp.dir, "qm"), BACKTEST_DATA_DIR: BUNDLED_DATA_DIR, MCP_API_KEY: API_KEY, LOG_LEVEL: "info", BACKTEST_WORKERS: "2", ...extra };
}

async function redisEnv(): Promise<Record<string, string>> {
  if (!redis) {
    redis = await startRedis(path.join(temp.dir, "redis"));
    worker = await startWorker(baseEnv({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password }));
  }
  return baseEnv({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password });
}

const data = (r: CallToolResult) => r.structuredContent as Record<string, unknown>;
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

const cases = [
  { name: "stdio, in-process queue", connect: async () => connectCliStdio("backtest", baseEnv()) },
  { name: "HTTP, in-process queue", connect: async () => connectCliHttp("backtest", baseEnv(), API_KEY) },
  { name: "stdio, Redis queue and a worker process", connect: async () => connectCliStdio("backtest", await redisEnv()) },
  { name: "HTTP, Redis queue and a worker process", connect: async () => connectCliHttp("backtest", await redisEnv(), API_KEY) },
];

describe.each(cases)("backtest MCP over $name", ({ connect }) => {
  let cli: ConnectedCli;
  const call = async (name: string, args: Record<string, unknown>) => (await cli.client.callTool({ name, arguments: args })) as CallToolResult;
  const finished = async (id: string) => {
    for (let i = 0; i < 1200; i++) {
      const r = await call("get_backtest_status", { backtest_id: id });
      if (!["queued", "running"].includes(String(data(r).status))) return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`backtest ${id} did not finish:\n${cli.stderr()}`);
  };

  beforeAll(async () => {
    cli = await connect();
  });
  afterAll(async () => {
    await cli?.close();
  });

  it("runs every tool and reads the resources", async () => {
    expect((await cli.client.listTools()).tools).toHaveLength(6);
    const datasets = data(await call("list_datasets", {}));
    expect(datasets.datasets).toContainEqual(expect.objectContaining({ name: GOOG, kind: "file", format: "csv" }));
    expect(datasets.datasets).toContainEqual(expect.objectContaining({ name: "binance-spot", kind: "remote" }));

    const strategy = { code: JS_SMA_CROSS, language: "javascript", dataset: GOOG };
    const run = data(await call("run_backtest", { ...strategy, config: { params: { fast: 10, slow: 30 } } }));
    const status = await finished(String(run.backtest_id));
    expect(data(status), cli.stderr()).toMatchObject({ status: "completed", progress: 100 });
    expect(data(status).trade_count).toBeGreaterThan(50);
    const image = status.content.find((c) => c.type === "image") as { data: string };
    expect(decodePng(Buffer.from(image.data, "base64")).width).toBe(1000);
    const report = await cli.client.readResource({ uri: `backtest://${String(run.backtest_id)}/report` });
    expect(JSON.parse((report.contents[0] as { text: string }).text).curve.equity).toHaveLength(2148);
    const again = data(await call("run_backtest", { ...strategy, config: { params: { fast: 10, slow: 30 } } }));
    expect(again).toEqual({ backtest_id: run.backtest_id, status: "completed", cached: true });

    const spin = data(await call("run_backtest", { ...strategy, code: JS_SPIN }));
    for (let i = 0; i < 400 && data(await call("get_backtest_status", { backtest_id: spin.backtest_id })).status !== "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(data(await call("cancel_backtest", { backtest_id: spin.backtest_id })).status).toBe("cancelled");
    expect(data(await call("list_backtests", { status: "cancelled", limit: 10 })).count).toBeGreaterThanOrEqual(1);

    const grid = await call("optimize_strategy", { ...strategy, config: {}, grid: { fast: [10, 20], slow: [30, 50] }, metric: "sharpe_ratio", timeout_seconds: 120 });
    expect(data(grid), text(grid)).toMatchObject({ points: 4, completed: 4, heatmap: { x: "fast", y: "slow" } });
    expect(grid.content.some((c) => c.type === "image")).toBe(true);

    const missing = await call("get_backtest_status", { backtest_id: "no-such-id" });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^NOT_FOUND/);
  });

  it("runs a Python strategy in its sandbox", async () => {
    const run = data(await call("run_backtest", { code: PY_SMA_CROSS, language: "python", dataset: GOOG, config: { params: { fast: 10, slow: 30 } } }));
    const status = data(await finished(String(run.backtest_id)));
    expect(status, JSON.stringify(status)).toMatchObject({ status: "completed" });
    expect(status.trade_count).toBeGreaterThan(50);
  });
});
