/**
 * Every backtest tool and resource through the official MCP client (in-memory transport), with
 * the real sandbox and engine over generated bars and the in-process queue. The stdio and HTTP
 * tests run the same client against the CLI.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBacktestRuntime, type BacktestRuntime } from "../../../services/backtest/main.js";
import { createBacktestServer } from "../../../services/backtest/server.js";
import { loadBacktestEnv } from "../../../services/backtest/service-config.js";
import { createLogger } from "../../../services/shared/logger.js";
import { EQUITY_LAYOUT } from "../../../services/backtest/charts/equity-chart.js";
import { HEATMAP_LAYOUT } from "../../../services/backtest/charts/heatmap-chart.js";
import { decodePng } from "../charts/png-decode.js";
import { JS_SMA_CROSS, JS_SPIN, JS_SYNTAX_ERROR, JS_THROWS_ON_LINE_3, waveDatasets } from "../helpers/wave-datasets.js";

let runtime: BacktestRuntime;
let client: Client;

beforeAll(async () => {
  const env = loadBacktestEnv({ BACKTEST_WORKERS: "2", BACKTEST_TIME_LIMIT_MS: "3000", BACKTEST_MAX_GRID_POINTS: "12", LOG_LEVEL: "silent" });
  runtime = createBacktestRuntime(env, createLogger("test", { level: "silent" }), waveDatasets());
  runtime.startWorkers();
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await createBacktestServer(runtime).connect(serverSide);
  client = new Client({ name: "backtest-test", version: "1.0.0" });
  await client.connect(clientSide);
});
afterAll(async () => {
  await client?.close();
  await runtime?.close();
});

const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
const data = (result: CallToolResult) => result.structuredContent as Record<string, unknown>;
const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

async function finished(id: string): Promise<CallToolResult> {
  for (let i = 0; i < 400; i++) {
    const result = await call("get_backtest_status", { backtest_id: id });
    if (!["queued", "running"].includes(String(data(result).status))) return result;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`backtest ${id} did not finish`);
}

const sma = { code: JS_SMA_CROSS, language: "javascript", dataset: "wave-1000" };

describe("backtest MCP tools", () => {
  it("lists its tools with schemas and the datasets", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ["cancel_backtest", "get_backtest_status", "list_backtests", "list_datasets", "optimize_strategy", "run_backtest"].sort(),
    );
    const datasets = await call("list_datasets", {});
    expect((data(datasets).datasets as { name: string }[]).map((d) => d.name)).toContain("wave-1000");
  });

  it("runs a backtest to completed with statistics, trades, links, the chart as an image, and the report resources", async () => {
    const run = await call("run_backtest", { ...sma, config: { params: { fast: 10, slow: 30 } } });
    expect(run.isError).toBeFalsy();
    expect(data(run)).toMatchObject({ status: "queued", cached: false });
    const id = String(data(run).backtest_id);
    const status = await finished(id);
    const view = data(status);
    expect(view).toMatchObject({ status: "completed", progress: 100, report_uri: `backtest://${id}/report`, equity_png_uri: `backtest://${id}/equity.png` });
    expect(view.trade_count).toBeGreaterThan(5);
    expect((view.statistics as Record<string, number>).trades).toBe(view.trade_count);
    const image = status.content.find((c) => c.type === "image") as { data: string; mimeType: string };
    expect(image.mimeType).toBe("image/png");
    const png = decodePng(Buffer.from(image.data, "base64"));
    expect([png.width, png.height]).toEqual([EQUITY_LAYOUT.width, EQUITY_LAYOUT.height]);
    expect(status.content.filter((c) => c.type === "resource_link")).toHaveLength(2);
    expect(text(status)).toContain("sharpe_ratio");

    const report = await client.readResource({ uri: `backtest://${id}/report` });
    const parsed = JSON.parse((report.contents[0] as { text: string }).text);
    expect(parsed.trades).toHaveLength(view.trade_count as number);
    expect(parsed.curve.equity).toHaveLength(1000);
    expect(parsed.curve.stride).toBe(1);
    expect(parsed.statistics.trades).toBe(view.trade_count);
    const chart = await client.readResource({ uri: `backtest://${id}/equity.png` });
    expect((chart.contents[0] as { blob: string }).blob).toBe(image.data);
    const listed = await client.listResources();
    expect(listed.resources.map((r) => r.uri)).toContain(`backtest://${id}/report`);

    // The same code, configuration (defaults spelled out) and data: answered from the cache.
    const again = await call("run_backtest", { ...sma, config: { params: { slow: 30, fast: 10 }, initial_capital: 10_000, fill: "next_open" } });
    expect(data(again)).toEqual({ backtest_id: id, status: "completed", cached: true });
  });

  it("reports a runtime error with its line, a syntax error, and a data error, as failed backtests", async () => {
    const threw = data(await finished(String(data(await call("run_backtest", { ...sma, code: JS_THROWS_ON_LINE_3 })).backtest_id)));
    expect(threw).toMatchObject({ status: "failed", error: { code: "RUN_THREW", line: 3 } });
    const syn = data(await finished(String(data(await call("run_backtest", { ...sma, code: JS_SYNTAX_ERROR })).backtest_id)));
    expect(syn).toMatchObject({ status: "failed", error: { code: "SYN_COMPILE", line: 2 } });
    const dat = data(await finished(String(data(await call("run_backtest", { ...sma, dataset: "broken", config: { params: { fast: 10, slow: 30 } } })).backtest_id)));
    expect(dat).toMatchObject({ status: "failed", error: { code: "DAT_PARSE" } });
  });

  it("cancels a running backtest, and lists by status", async () => {
    const id = String(data(await call("run_backtest", { ...sma, code: JS_SPIN })).backtest_id);
    for (let i = 0; i < 200 && data(await call("get_backtest_status", { backtest_id: id })).status !== "running"; i++) await new Promise((r) => setTimeout(r, 10));
    const cancelled = await call("cancel_backtest", { backtest_id: id });
    expect(data(cancelled)).toEqual({ backtest_id: id, status: "cancelled" });
    expect(data(await call("get_backtest_status", { backtest_id: id })).status).toBe("cancelled");
    const list = data(await call("list_backtests", { status: "cancelled", limit: 5 }));
    expect((list.backtests as { backtest_id: string }[]).map((b) => b.backtest_id)).toContain(id);
    expect(data(await call("list_backtests", { limit: 2 })).count).toBe(2);
  });

  it("refuses bad input with isError and a code: unknown id, unknown dataset, bad config, mq5, oversize input", async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["get_backtest_status", { backtest_id: "nope" }, /^NOT_FOUND/],
      ["cancel_backtest", { backtest_id: "nope" }, /^NOT_FOUND/],
      ["run_backtest", { ...sma, dataset: "missing" }, /^DAT_NOT_FOUND/],
      ["run_backtest", { ...sma, config: { comission: 0.01 } }, /^INVALID_REQUEST: config: .*comission/],
      ["run_backtest", { ...sma, language: "mq5" }, /^MQ5_UNAVAILABLE/],
    ];
    for (const [tool, args, pattern] of cases) {
      const result = await call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(text(result)).toMatch(pattern);
    }
    const huge = await call("run_backtest", { ...sma, code: "x".repeat(200_001) });
    expect(huge.isError).toBe(true);
    const limit = await call("list_backtests", { limit: 1000 });
    expect(limit.isError).toBe(true);
    const badId = await call("get_backtest_status", { backtest_id: "a:b" });
    expect(badId.isError).toBe(true);
    expect(text(badId)).toContain("letters, digits or dashes");
    await expect(client.readResource({ uri: "backtest://nope/report" })).rejects.toThrow(/NOT_FOUND|no backtest/);
  });

  it("optimises a two-parameter grid: ranked table and a heatmap; a too-large grid is refused saying the bound", async () => {
    const result = await call("optimize_strategy", {
      ...sma,
      config: {},
      grid: { fast: [5, 10, 15], slow: [30, 40] },
      metric: "return_pct",
      timeout_seconds: 60,
    });
    expect(result.isError).toBeFalsy();
    const out = data(result);
    expect(out).toMatchObject({ points: 6, completed: 6, unfinished: 0, metric: "return_pct", heatmap: { x: "fast", y: "slow" } });
    const table = out.table as { rank: number; value: number; params: Record<string, number> }[];
    expect(table.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < table.length; i++) expect(table[i - 1]!.value).toBeGreaterThanOrEqual(table[i]!.value);
    expect(out.best).toEqual(table[0]);
    const image = result.content.find((c) => c.type === "image") as { data: string };
    expect(decodePng(Buffer.from(image.data, "base64")).width).toBe(HEATMAP_LAYOUT.width);
    // A repeat of the grid answers from the cache, point by point.
    const again = data(await call("optimize_strategy", { ...sma, config: {}, grid: { fast: [5, 10, 15], slow: [30, 40] }, metric: "return_pct" }));
    expect((again.table as { cached: boolean }[]).every((r) => r.cached)).toBe(true);

    const tooBig = await call("optimize_strategy", { ...sma, grid: { fast: [1, 2, 3, 4], slow: [10, 20, 30, 40] } });
    expect(tooBig.isError).toBe(true);
    expect(text(tooBig)).toMatch(/^GRID_TOO_LARGE: the grid has 16 points; at most 12/);
  });

  it("serves the configuration schema as a resource", async () => {
    const schema = await client.readResource({ uri: "backtest://config-schema" });
    const json = JSON.parse((schema.contents[0] as { text: string }).text);
    expect(json.properties.timeframe).toBeDefined();
    expect(json.additionalProperties).toBe(false);
  });
});
