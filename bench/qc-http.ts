/**
 * The QuantConnect MCP server over local HTTP, as `quantmind serve qc --transport http` runs it
 * (rate limit off): tools/list throughput and latency at concurrency 1, the size of the listing
 * (whole and per toolset), and the overhead a tools/call adds to a QuantConnect call, against
 * the local QuantConnect stand-in.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { qcAuthHeaders } from "../services/qc/client/auth.js";
import { loadQcConfig } from "../services/qc/config.js";
import { createQcDeps, createQcHttpApp } from "../services/qc/app.js";
import { registerQcTools } from "../services/qc/register-tools.js";
import { createHttpApp } from "../services/shared/http/create-http-app.js";
import { serveHttp } from "../services/shared/http/serve-node.js";
import { createToolListing } from "../services/qc/tool-list.js";
import { QC_TOOLS } from "../services/qc/tools/all-tools.js";
import { QC_TOOLSETS } from "../services/qc/toolsets.js";
import type { QcApiServer } from "../test/helpers/qc-api-server.js";
import { QC_TEST_API_KEY, startQcHttpServer } from "../test/helpers/qc-cli.js";
import { formatLatency, summarise, timed, type LatencySummary } from "./lib/stats.js";

/**
 * The listing cache against the SDK's default (every tool registered and every JSON Schema
 * rebuilt per request, as the peer does), both served in this process and measured in alternating
 * rounds, so a busy machine weighs on both alike.
 */
export async function benchListingCache(api: QcApiServer, options: { rounds: number; perRound: number }): Promise<{ cached: LatencySummary; sdkDefault: LatencySummary }> {
  const config = loadQcConfig({ QC_USER_ID: api.userId, QC_API_TOKEN: api.apiToken, QC_API_URL: api.url, QC_ENABLE_LIVE_TRADING: "true", LOG_LEVEL: "silent" });
  const deps = createQcDeps(config, undefined);
  const cachedApp = createQcHttpApp(config, deps, { apiKeys: [QC_TEST_API_KEY] });
  const sdkDefaultApp = createHttpApp({
    apiKeys: [QC_TEST_API_KEY],
    createMcpServer: () => {
      const server = new McpServer({ name: "sdk-default", version: "0" }, { jsonSchemaValidator: deps.validator });
      registerQcTools(server, deps, "0");
      return server;
    },
  });
  const servers = { cached: await serveHttp(cachedApp.fetch, { port: 0 }), sdkDefault: await serveHttp(sdkDefaultApp.fetch, { port: 0 }) };
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  const samples = { cached: [] as number[], sdkDefault: [] as number[] };
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const kind of ["cached", "sdkDefault"] as const) {
        const list = async () => (await fetch(`${servers[kind].url}/mcp`, { method: "POST", headers: MCP_HEADERS, body })).text();
        for (let i = 0; i < options.perRound; i++) {
          const [text, ms] = await timed(list);
          if (!text.includes('"read_account"')) throw new Error(`${kind}: no listing`);
          if (round > 0) samples[kind].push(ms); // round 0 warms up
        }
      }
    }
  } finally {
    await servers.cached.close();
    await servers.sdkDefault.close();
  }
  return { cached: summarise(samples.cached), sdkDefault: summarise(samples.sdkDefault) };
}

/**
 * Our side of a tools/call: the app's fetch handler called in process (no HTTP hop to the
 * server), against the same QuantConnect call made directly from the same process. Both make one
 * HTTP request to the stand-in, so the difference is what the server adds (auth, MCP, validation,
 * signing, result shaping).
 */
export async function benchCallOverhead(api: QcApiServer, calls: number): Promise<{ call: LatencySummary; direct: LatencySummary }> {
  const config = loadQcConfig({ QC_USER_ID: api.userId, QC_API_TOKEN: api.apiToken, QC_API_URL: api.url, LOG_LEVEL: "silent" });
  const app = createQcHttpApp(config, createQcDeps(config, undefined), { apiKeys: [QC_TEST_API_KEY] });
  const call = async (i: number) => {
    const response = await app.request("/mcp", { method: "POST", headers: MCP_HEADERS, body: callBody(i) });
    const text = await response.text();
    if (text.includes('"isError":true')) throw new Error(`tools/call failed: ${text}`);
  };
  const samples = { call: [] as number[], direct: [] as number[] };
  for (let i = 0; i < calls + 200; i++) {
    const [, callMs] = await timed(() => call(i));
    const [, directMs] = await timed(() => directCall(api, i));
    if (i >= 200) {
      samples.call.push(callMs);
      samples.direct.push(directMs);
    }
  }
  return { call: summarise(samples.call), direct: summarise(samples.direct) };
}

const callBody = (i: number) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "read_project", arguments: { projectId: 1000 + (i % 50) } } });

/** The QuantConnect call read_project makes, signed the same way, straight to the stand-in. */
async function directCall(api: QcApiServer, i: number): Promise<void> {
  const response = await fetch(`${api.url}/projects/read`, {
    method: "POST",
    headers: { ...qcAuthHeaders({ userId: api.userId, apiToken: api.apiToken }, Date.now() / 1000), "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ projectId: 1000 + (i % 50) }),
  });
  await response.text();
}

export interface HttpBenchResult {
  listCount: number;
  listPerSecond: number;
  list: LatencySummary;
  listBytes: number;
  toolCount: number;
  toolsetBytes: { toolset: string; tools: number; bytes: number }[];
  call: LatencySummary;
  direct: LatencySummary;
}

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": QC_TEST_API_KEY };

export async function benchQcHttp(api: QcApiServer, options: { listRequests: number; callRequests: number }): Promise<HttpBenchResult> {
  const server = await startQcHttpServer(api, { MCP_RATE_LIMIT_PER_MINUTE: "0", LOG_LEVEL: "info", QC_ENABLE_LIVE_TRADING: "true" });
  try {
    const listBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const list = async () => {
      const response = await fetch(server.mcpUrl, { method: "POST", headers: MCP_HEADERS, body: listBody });
      if (response.status !== 200) throw new Error(`tools/list answered ${response.status}`);
      return response.text();
    };
    let listBytes = 0;
    for (let i = 0; i < 200; i++) listBytes = (await list()).length; // warm-up
    const listSamples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < options.listRequests; i++) listSamples.push((await timed(list))[1]);
    const listSeconds = (performance.now() - started) / 1000;
    const toolCount = (JSON.parse(await list()) as { result: { tools: unknown[] } }).result.tools.length;

    const call = async (i: number) => {
      const text = await (await fetch(server.mcpUrl, { method: "POST", headers: MCP_HEADERS, body: callBody(i) })).text();
      if (text.includes('"isError":true')) throw new Error(`tools/call failed: ${text}`);
    };
    // The same QuantConnect call made directly: what the server adds is the difference.
    const direct = (i: number) => directCall(api, i);
    for (let i = 0; i < 100; i++) {
      await call(i);
      await direct(i);
    }
    const callSamples: number[] = [];
    const directSamples: number[] = [];
    for (let i = 0; i < options.callRequests; i++) {
      callSamples.push((await timed(() => call(i)))[1]);
      directSamples.push((await timed(() => direct(i)))[1]);
    }

    const toolsetBytes = QC_TOOLSETS.map((toolset) => {
      const listing = createToolListing(QC_TOOLS, { toolsets: [toolset], liveTrading: true }).result();
      return { toolset, tools: listing.tools.length, bytes: JSON.stringify({ result: listing, jsonrpc: "2.0", id: 1 }).length };
    });
    return {
      listCount: options.listRequests,
      listPerSecond: options.listRequests / listSeconds,
      list: summarise(listSamples),
      listBytes,
      toolCount,
      toolsetBytes,
      call: summarise(callSamples),
      direct: summarise(directSamples),
    };
  } finally {
    await server.stop();
  }
}

export function printCallOverheadResult(result: { call: LatencySummary; direct: LatencySummary }): void {
  console.log(formatLatency("in process, tools/call read_project through the app", result.call));
  console.log(formatLatency("in process, the same QuantConnect call made directly", result.direct));
  console.log(`  our side of a tools/call: p50 ${(result.call.p50 - result.direct.p50).toFixed(2)} ms, p90 ${(result.call.p90 - result.direct.p90).toFixed(2)} ms`);
}

export function printListingCacheResult(result: { cached: LatencySummary; sdkDefault: LatencySummary }): void {
  console.log(formatLatency("in-process A/B, tools/list with the cached listing", result.cached));
  console.log(formatLatency("in-process A/B, tools/list with the SDK's per-request listing (the peer's way)", result.sdkDefault));
  console.log(`  = ${(1000 / result.cached.p50).toFixed(0)} vs ${(1000 / result.sdkDefault.p50).toFixed(0)} requests/s at the median`);
}

export function printHttpResult(result: HttpBenchResult): void {
  console.log(`tools/list over HTTP, concurrency 1: ${result.listPerSecond.toFixed(0)} requests/s`);
  console.log(formatLatency("tools/list latency", result.list));
  console.log(`tools/list reply: ${(result.listBytes / 1000).toFixed(1)} KB for ${result.toolCount} tools`);
  console.log(`per toolset: ${result.toolsetBytes.map((t) => `${t.toolset} ${t.tools} tools ${(t.bytes / 1000).toFixed(1)} KB`).join("; ")}`);
  console.log(formatLatency("tools/call read_project through the server", result.call));
  console.log(formatLatency("the same QuantConnect call made directly", result.direct));
  console.log(
    `tools/call overhead (server minus direct): p50 ${(result.call.p50 - result.direct.p50).toFixed(2)} ms, p90 ${(result.call.p90 - result.direct.p90).toFixed(2)} ms, p99 ${(result.call.p99 - result.direct.p99).toFixed(2)} ms`,
  );
}
