/**
 * Every QuantConnect tool through the official MCP client, in process: listing, annotations,
 * input bounds, gates, and what each call sends to and returns from the QuantConnect stand-in.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerQcTools } from "../../services/qc/register-tools.js";
import { QC_TOOLSETS } from "../../services/qc/toolsets.js";
import { startQcApiServer, type QcApiServer } from "../helpers/qc-api-server.js";
import { connectInProcess, qcTestEnv, resultText, type InProcessQc } from "../helpers/qc-in-process.js";
import { TOOL_CALLS } from "../helpers/qc-tool-calls.js";
import { expectToolCall } from "../helpers/qc-expect.js";

let api: QcApiServer;
let qc: InProcessQc;

beforeAll(async () => {
  api = await startQcApiServer();
  qc = await connectInProcess(qcTestEnv(api));
});
afterAll(async () => {
  await qc.close();
  await api.close();
});
beforeEach(() => api.reset());

describe("QuantConnect tools (in process)", () => {
  it("lists every tool of the official server, each covered by the end-to-end table", async () => {
    const { tools } = await qc.client.listTools();
    expect(tools).toHaveLength(63);
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOL_CALLS).sort());
    for (const name of ["patch_file", "read_backtest_insights", "broadcast_live_command", "upload_object", "search_quantconnect", "read_lean_versions"]) {
      expect(tools.map((t) => t.name)).toContain(name);
    }
  });

  it("lists exactly what the SDK's own tools/list would, from a cache built once", async () => {
    const reference = new McpServer({ name: "reference", version: "0" });
    registerQcTools(reference, qc.deps, "0");
    const [a, b] = InMemoryTransport.createLinkedPair();
    await reference.connect(b);
    const client = new Client({ name: "reference", version: "0" });
    await client.connect(a);
    expect((await qc.client.listTools()).tools).toEqual((await client.listTools()).tools);
    await client.close();
    expect(qc.deps.listing.result()).toBe(qc.deps.listing.result());
  });

  it("annotates reads as read-only and deletes, overwrites and live actions as destructive", async () => {
    const { tools } = await qc.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    for (const name of ["read_account", "list_projects", "read_backtest", "read_live_portfolio", "list_object_store_files", "check_syntax"]) {
      expect(byName.get(name)).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    }
    for (const name of ["delete_project", "delete_backtest", "delete_object", "update_file_contents", "liquidate_live_algorithm", "create_live_command"]) {
      expect(byName.get(name)).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    }
    expect(byName.get("create_backtest")).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(byName.get("patch_file")).toMatchObject({ destructiveHint: true, idempotentHint: false });
    expect(byName.get("stop_live_algorithm")).toMatchObject({ destructiveHint: true, idempotentHint: true });
    for (const tool of tools) expect(tool.annotations?.title).toBe(tool.title);
  });

  it("keeps command and brokerage keys in the schemas (no empty object that strips them)", async () => {
    const { tools } = await qc.client.listTools();
    const schema = (name: string) => tools.find((t) => t.name === name)!.inputSchema as { properties: Record<string, { additionalProperties?: unknown }> };
    expect(schema("create_live_command").properties.command!.additionalProperties).toEqual({});
    expect(schema("create_live_algorithm").properties.brokerage!.additionalProperties).toEqual({});
  });

  it.each(Object.entries(TOOL_CALLS))("%s sends what QuantConnect expects and returns its answer", async (name, expected) => {
    const result = await qc.call(name, expected.args);
    expectToolCall(name, expected, result, api.calls);
  });

  it.each([
    ["read_project", { projectId: 0 }, "projectId"],
    ["read_project", { projectId: 1.5 }, "projectId"],
    ["read_project", { projectId: 1, start: 0, end: 5 }, "projectId"],
    ["create_project", { name: "", language: "Py" }, "name"],
    ["create_project", { name: "x", language: "Java" }, "language"],
    ["create_project", { name: "x".repeat(201), language: "Py" }, "name"],
    ["create_file", { projectId: 1, name: "../secrets.py" }, "name"],
    ["read_backtest", { projectId: 1, backtestId: "a b" }, "backtestId"],
    ["read_backtest_orders", { projectId: 1, backtestId: "b", start: 0, end: 101 }, "end"],
    ["read_backtest_orders", { projectId: 1, backtestId: "b", start: 50, end: 50 }, "end"],
    ["read_backtest_chart", { projectId: 1, backtestId: "b", name: "c", count: 0, start: 1, end: 2 }, "count"],
    ["read_live_logs", { projectId: 1, algorithmId: "L-1", startLine: 0, endLine: 251 }, "endLine"],
    ["read_live_insights", { projectId: 1, end: 101 }, "end"],
    ["update_project", { projectId: 1 }, "name"],
    ["update_backtest", { projectId: 1, backtestId: "b" }, "name"],
    ["create_optimization", { projectId: 1, name: "o", target: "t", targetTo: "max", compileId: "c", parameters: [], estimatedCost: 1, nodeType: "O2-8", parallelNodes: 2 }, "parameters"],
    ["create_optimization", { projectId: 1, name: "o", target: "t", targetTo: "max", compileId: "c", parameters: [{ name: "p", min: 1, max: 2, step: 1 }], estimatedCost: 1, nodeType: "O2-8", parallelNodes: 25 }, "parallelNodes"],
    ["estimate_optimization_time", { projectId: 1, name: "o", target: "t", targetTo: "max", parameters: [{ name: "p", min: 3, max: 2, step: 1 }] }, "max"],
    ["create_live_command", { projectId: 1, command: {} }, "command"],
    ["create_live_algorithm", { projectId: 1, compileId: "c", nodeId: "n", brokerage: { user: "x" } }, "id"],
    ["read_object_store_file_job_id", { organizationId: "o", keys: [] }, "keys"],
    ["upload_object", { organizationId: "o", key: "k", objectData: "x".repeat(3_000_001) }, "objectData"],
    ["check_syntax", { language: "Py", files: [] }, "files"],
    ["search_quantconnect", { language: "Py", criteria: [{ input: "x", type: "Docs", count: 51 }] }, "count"],
    ["read_account", { organizationId: "unexpected" }, "organizationId"],
    ["list_projects", { page: 2 }, "page"],
  ])("%s with %j is refused naming %s, before any QuantConnect call", async (tool, args, field) => {
    const result = await qc.call(tool, args);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/Input validation error/);
    expect(resultText(result)).toMatch(new RegExp(`\\b${field}\\b`));
    expect(api.calls).toEqual([]);
  });

  it("reports QuantConnect's refusal as QC_API_ERROR with its errors text", async () => {
    api.fail("/backtests/read", { errors: ["Backtest does not exist."] });
    const result = await qc.call("read_backtest", { projectId: 1, backtestId: "missing" });
    expect(result).toMatchObject({ isError: true });
    expect(resultText(result)).toBe("QC_API_ERROR: QuantConnect refused /backtests/read: Backtest does not exist.");
  });

  it("read_backtest leaves the bulk out, names it, and links the full result as a resource", async () => {
    const result = await qc.call("read_backtest", { projectId: 7, backtestId: "abc123" });
    const data = result.structuredContent as { backtest: Record<string, unknown>; omitted: Record<string, string>; fullResult: string };
    expect(data.backtest.rollingWindow).toBeUndefined();
    expect((data.backtest.totalPerformance as Record<string, unknown>).closedTrades).toBeUndefined();
    expect(data.omitted).toEqual({
      rollingWindow: "12 rolling-window periods",
      "totalPerformance.closedTrades": "24 closed trades",
      charts: "chart contents (names kept; read one with read_backtest_chart)",
    });
    expect(result.content).toContainEqual(expect.objectContaining({ type: "resource_link", uri: "qc://projects/7/backtests/abc123" }));

    const { resourceTemplates } = await qc.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["qc://projects/{projectId}/backtests/{backtestId}"]);
    const full = await qc.client.readResource({ uri: data.fullResult });
    const body = JSON.parse((full.contents[0] as { text: string }).text) as { backtest: { rollingWindow: object; totalPerformance: { closedTrades: unknown[] } } };
    expect(Object.keys(body.backtest.rollingWindow)).toHaveLength(12);
    expect(body.backtest.totalPerformance.closedTrades).toHaveLength(24);
    await expect(qc.client.readResource({ uri: "qc://projects/x/backtests/abc" })).rejects.toThrow(/not a backtest URI/);
  });

  it("upload_object sends base64 as the bytes it encodes, and refuses bad base64 without calling", async () => {
    const bytes = Buffer.from([0, 255, 16, 32, 128, 7]);
    const result = await qc.call("upload_object", { organizationId: "o", key: "bin/blob.bin", objectData: bytes.toString("base64"), encoding: "base64" });
    expect(result.structuredContent).toMatchObject({ key: "bin/blob.bin", bytes: 6 });
    expect(api.calls[0]!.files.objectData).toEqual(bytes);
    api.reset();
    const bad = await qc.call("upload_object", { organizationId: "o", key: "k", objectData: "not base64!", encoding: "base64" });
    expect(resultText(bad)).toMatch(/^INVALID_ARGUMENT: objectData is not valid base64/);
    expect(api.calls).toEqual([]);
  });

  it("authorize_connection returns an existing authorization without starting a new one", async () => {
    api.state.authorizedBrokerages.set("TradierBrokerage", { access_token: "t-1", expires: "2027-01-01" });
    const result = await qc.call("authorize_connection", { brokerage: "TradierBrokerage" });
    expect(result.structuredContent).toEqual({ status: "authorized", brokerage: "TradierBrokerage", authorization: { access_token: "t-1", expires: "2027-01-01" } });
    expect(api.calls.map((c) => c.endpoint)).toEqual(["/live/auth0/read"]);
  });

  it("says a live chart is still loading instead of passing it off as data", async () => {
    api.fail("/live/chart/read", { answer: { progress: 0.4, status: "loading", success: true } });
    const result = await qc.call("read_live_chart", { projectId: 1, name: "Strategy Equity", count: 5, start: 1, end: 2 });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/^The chart is still loading \(40%\): call again in a few seconds/);
  });

  it("keeps the full listing under 200 KB and each toolset's far smaller", async () => {
    const full = JSON.stringify(qc.deps.listing.result()).length;
    expect(full).toBeLessThan(200_000);
    for (const toolset of QC_TOOLSETS) {
      const one = await connectInProcess(qcTestEnv(api, { QC_TOOLSETS: toolset }));
      const size = JSON.stringify((await one.client.listTools()).tools).length;
      expect(size).toBeLessThan(full / 4);
      await one.close();
    }
  });
});

describe("gates", () => {
  it("with live trading off, live-trading tools are unlisted and refuse with LIVE_TRADING_DISABLED", async () => {
    const off = await connectInProcess(qcTestEnv(api, { QC_ENABLE_LIVE_TRADING: "false" }));
    try {
      const names = (await off.client.listTools()).tools.map((t) => t.name);
      expect(names).toHaveLength(58);
      for (const gated of ["create_live_algorithm", "stop_live_algorithm", "liquidate_live_algorithm", "create_live_command", "broadcast_live_command"]) {
        expect(names).not.toContain(gated);
        const result = await off.call(gated, TOOL_CALLS[gated]!.args);
        expect(result.isError).toBe(true);
        expect(resultText(result)).toMatch(new RegExp(`^LIVE_TRADING_DISABLED: ${gated} trades live .*QC_ENABLE_LIVE_TRADING=true`));
      }
      expect(names).toContain("read_live_portfolio");
      expect(api.calls).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it("QC_TOOLSETS lists only the chosen toolsets and refuses the others with TOOLSET_DISABLED", async () => {
    const some = await connectInProcess(qcTestEnv(api, { QC_TOOLSETS: "files,compile" }));
    try {
      const names = (await some.client.listTools()).tools.map((t) => t.name);
      expect(names.sort()).toEqual(["create_compile", "create_file", "delete_file", "patch_file", "read_compile", "read_file", "update_file_contents", "update_file_name"]);
      const refused = await some.call("read_account");
      expect(resultText(refused)).toBe("TOOLSET_DISABLED: read_account belongs to the account toolset, which this server does not offer: the operator adds it to QC_TOOLSETS");
      expect((await some.client.listResourceTemplates().catch(() => ({ resourceTemplates: [] }))).resourceTemplates).toEqual([]);
      expect(api.calls).toEqual([]);
    } finally {
      await some.close();
    }
  });

  it("writes no log line holding the QuantConnect token, even at debug level", () => {
    expect(qc.logs()).toContain("QuantConnect call");
    expect(qc.logs()).not.toContain(api.apiToken);
  });
});
