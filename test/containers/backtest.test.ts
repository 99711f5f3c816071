/**
 * The backtest service in containers, deployed as the Docker targets deploy it (see
 * helpers/backtest-stack.ts): Redis with its password, backtest-mcp and backtest-worker with the
 * catalogue's command, environment, secret files and shared hardening. Jobs go in through the
 * official MCP client over HTTP and come back with their statistics; the worker's sandbox is
 * checked from inside, and what it does under Docker's default seccomp profile.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { userNamespaceSeccompProfile } from "../../infra/seccomp.js";
import { BACKTEST_SANDBOX_MEMORY_MB, BACKTEST_WORKER_CONCURRENCY } from "../../services/backtest/deploy.js";
import { dockerRunHardeningFlags } from "../../infra/hardening.js";
import { serviceHardening } from "./helpers/container-args.js";
import { engineHardening, expectedEngineHardening, exec, inspect, kernelView } from "./helpers/containers.js";
import { docker } from "./helpers/docker-cli.js";
import { startBacktestStack, type BacktestStack } from "./helpers/backtest-stack.js";
import { ensureRedisImage } from "./helpers/image.js";
import { catalogueEntry } from "./helpers/kb-stack.js";
import { JS_SMA_CROSS } from "../backtest/sandbox/sandbox-fixtures.js";

const GOOG = "GOOG-daily-2004-2013.csv";
const SMA = { dataset: GOOG, config: { params: { fast: 10, slow: 30 } } };

// The same SMA crossover in both languages (JS_SMA_CROSS from the sandbox fixtures): their statistics must agree to the last digit.
/** numpy by name: the image's numpy must import inside the sandbox (its BLAS links resolve under /usr). */
const PY_SMA_CROSS = `import numpy as np
from quantmind import sma, crossover
def signals(data, params):
    fast, slow = sma(data.close, params["fast"]), sma(data.close, params["slow"])
    up, down = crossover(fast, slow), crossover(slow, fast)
    return np.where(up, 1.0, np.where(down, -1.0, np.nan))
`;

type Data = Record<string, unknown>;

describe("the backtest service in containers", () => {
  const run = inject("containerRun");
  let bt: BacktestStack;
  let client: Client;
  let untag: (() => Promise<void>) | undefined;
  const call = async (name: string, args: Data) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const data = (r: CallToolResult) => r.structuredContent as Data;
  const finished = async (id: string): Promise<Data> => {
    for (let i = 0; i < 1200; i++) {
      const status = data(await call("get_backtest_status", { backtest_id: id }));
      if (!["queued", "running"].includes(String(status.status))) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`backtest ${id} did not finish in 120 s`);
  };
  const runJob = async (code: string, language: string) => finished(String(data(await call("run_backtest", { code, language, ...SMA })).backtest_id));

  beforeAll(async () => {
    untag = (await ensureRedisImage()).untag;
    bt = await startBacktestStack(run);
    process.stderr.write(`backtest-mcp healthy ${bt.mcp.secondsToHealthy.toFixed(1)} s after start; backtest-worker ready after ${bt.worker.secondsToReady.toFixed(1)} s\n`);
    client = new Client({ name: "container-tier", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${bt.port}/mcp`), { requestInit: { headers: { "x-api-key": bt.apiKey } } }));
  });
  afterAll(async () => {
    await client?.close();
    await bt?.remove();
    await untag?.();
  });

  it.each(["backtest-mcp", "backtest-worker"])("the engine ran %s with the shared hardening", async (service) => {
    const h = serviceHardening(catalogueEntry(service));
    const name = service === "backtest-mcp" ? bt.mcp.name : bt.worker.name;
    const { securityOpt, ...rest } = await engineHardening(name);
    const { securityOpt: _defaultProfile, ...expected } = expectedEngineHardening(h);
    expect(rest).toEqual(expected);
    expect(securityOpt[0]).toBe("no-new-privileges:true");
    // Only the worker, whose sandbox makes user namespaces, runs under the profile that allows them.
    expect(h.userNamespaces).toBe(service === "backtest-worker");
    if (h.userNamespaces) {
      expect(securityOpt).toHaveLength(2);
      expect(JSON.parse(securityOpt[1]!.replace(/^seccomp=/, ""))).toEqual(userNamespaceSeccompProfile());
    } else {
      expect(securityOpt).toEqual(["no-new-privileges:true"]);
    }
    // systempaths=unconfined: the engine records it as no read-only /proc/sys (bubblewrap's --disable-userns writes there).
    const readonlyPaths = await inspect<string[] | null>(name, ".HostConfig.ReadonlyPaths");
    expect((readonlyPaths ?? []).includes("/proc/sys")).toBe(!h.userNamespaces);
  });

  it("both run as 10001:10001 with no capabilities, no new privileges and their limits in force", async () => {
    for (const [service, name] of [["backtest-mcp", bt.mcp.name], ["backtest-worker", bt.worker.name]] as const) {
      const h = serviceHardening(catalogueEntry(service));
      const kernel = await kernelView(name);
      expect(kernel.uids).toEqual([10001, 10001, 10001, 10001]);
      expect(kernel.effectiveCapabilities).toBe(0n);
      expect(kernel.noNewPrivs).toBe(true);
      expect(kernel.pidsMax).toBe(String(h.pidsLimit));
      expect(kernel.memoryLimitBytes).toBe(h.memoryMb * 1024 * 1024);
    }
    // The worker's memory holds its sandboxes side by side.
    expect(serviceHardening(catalogueEntry("backtest-worker")).memoryMb).toBeGreaterThanOrEqual(BACKTEST_WORKER_CONCURRENCY * BACKTEST_SANDBOX_MEMORY_MB);
  });

  it("the worker runs under Node's permission model: no file writes outside its bar cache", async () => {
    const ps = await exec(bt.worker.name, ["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"]);
    expect(ps.stdout).toContain("--experimental-permission");
    expect(ps.stdout).toMatch(/--allow-fs-write=\/tmp\/quantmind\/backtest-cache/);
  });

  it("runs a JavaScript and a Python job through backtest-mcp over HTTP, and the two agree", async () => {
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([
      "cancel_backtest", "get_backtest_status", "list_backtests", "list_datasets", "optimize_strategy", "run_backtest",
    ]);
    const js = await runJob(JS_SMA_CROSS, "javascript");
    expect(js, JSON.stringify(js)).toMatchObject({ status: "completed", progress: 100 });
    const stats = js.statistics as Record<string, number>;
    expect(stats.trades).toBeGreaterThan(50);
    expect(Number.isFinite(stats.return_pct) && Number.isFinite(stats.sharpe_ratio)).toBe(true);
    expect(stats.win_rate_pct).toBeGreaterThan(0);

    const py = await runJob(PY_SMA_CROSS, "python");
    expect(py, JSON.stringify(py)).toMatchObject({ status: "completed", progress: 100, trade_count: js.trade_count });
    expect(py.statistics).toEqual(js.statistics);
  });

  it("a Python strategy reaches neither the worker's secret files nor its network", async () => {
    const secret = await runJob(`def signals(data, params):\n    return [len(open("/run/secrets/REDIS_PASSWORD").read())] * len(data)\n`, "python");
    expect(secret).toMatchObject({ status: "failed", error: { code: "RUN_THREW", line: 2 } });
    expect(JSON.stringify(secret.error)).toContain("No such file or directory");

    const connect = `import socket\ndef signals(data, params):\n    socket.create_connection(("127.0.0.1", ${bt.redis.port}), timeout=2)\n    return [1.0] * len(data)\n`;
    const network = await runJob(connect, "python");
    expect(network).toMatchObject({ status: "failed", error: { code: "SBX_REFUSED", line: 3 } });
  });

  it("under Docker's default seccomp profile bubblewrap cannot start: Python is refused with SBX_UNAVAILABLE, JavaScript still runs", async () => {
    const worker = { ...catalogueEntry("backtest-worker"), userNamespaces: false };
    const script = [
      'const { runStrategy } = await import("/app/dist/services/backtest/sandbox/run-strategy.js");',
      "const n = 40, col = (f) => Float64Array.from({ length: n }, (_, i) => f(i));",
      "const bars = { time: col((i) => 1.7e12 + i * 864e5), open: col((i) => 100 + i), high: col((i) => 101 + i), low: col((i) => 99 + i), close: col((i) => 100 + i), volume: col(() => 1000) };",
      "const jobs = { javascript: 'export function signals(data) { return new Float64Array(data.length).fill(1); }', python: 'def signals(data, params):\\n    return [1.0] * len(data)\\n' };",
      "const out = {};",
      "for (const [language, code] of Object.entries(jobs)) {",
      "  try { out[language] = { targets: (await runStrategy({ language, code, bars, params: {} })).length }; }",
      "  catch (e) { out[language] = { code: e.code, message: e.message }; }",
      "}",
      "console.log(JSON.stringify(out));",
    ].join("\n");
    const result = await docker(
      ["run", "--rm", "--network", "host", ...dockerRunHardeningFlags(serviceHardening(worker)), "--entrypoint", "node", run.image, "--input-type=module", "-e", script],
      { allowFailure: true },
    );
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as Record<string, { targets?: number; code?: string; message?: string }>;
    expect(out.javascript).toEqual({ targets: 40 });
    expect(out.python!.code).toBe("SBX_UNAVAILABLE");
    expect(out.python!.message).toMatch(/user namespaces are probably not allowed/);
  });

  it("backtest-mcp refuses /mcp without its key, or with another one", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const post = (extra: Record<string, string>) => fetch(`http://127.0.0.1:${bt.port}/mcp`, { method: "POST", headers: { ...headers, ...extra }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-api-key": `${bt.apiKey}x` })).status).toBe(401);
    expect((await post({ "x-api-key": bt.apiKey })).status).toBe(200);
  });
});
