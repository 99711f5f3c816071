/**
 * The QuantConnect MCP server end to end: the real `quantmind serve qc` CLI, driven by the
 * official MCP SDK client over stdio and HTTP, calling every tool against the QuantConnect
 * stand-in (which checks the auth hash and the timestamp's freshness).
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startQcApiServer, type QcApiServer } from "../helpers/qc-api-server.js";
import { connectQcHttp, connectQcStdio, QC_TEST_API_KEY, type ConnectedQc } from "../helpers/qc-cli.js";
import { expectToolCall } from "../helpers/qc-expect.js";
import { TOOL_CALLS } from "../helpers/qc-tool-calls.js";

let api: QcApiServer;
beforeAll(async () => {
  api = await startQcApiServer();
});
afterAll(() => api.close());

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body: JSON.stringify(body) });

describe.each([
  ["stdio", connectQcStdio],
  ["http", connectQcHttp],
] as const)("QuantConnect MCP over %s (the real CLI)", (transport, connect) => {
  let qc: ConnectedQc;
  beforeAll(async () => {
    // A generous limit: walking every tool is ~70 requests, and the limit itself is tested in-process.
    qc = await connect(api, { MCP_RATE_LIMIT_PER_MINUTE: "1000" });
  });
  afterAll(() => qc?.close());
  beforeEach(() => api.reset());

  it("lists the 63 tools with their schemas and annotations", async () => {
    const { tools } = await qc.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOL_CALLS).sort());
    const backtest = tools.find((t) => t.name === "create_backtest")!;
    expect(backtest.inputSchema.required).toEqual(["projectId", "compileId", "backtestName"]);
    expect(backtest.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
  });

  it("calls every tool: the right endpoint and body reach QuantConnect, authenticated, and the answer comes back", async () => {
    for (const [name, expected] of Object.entries(TOOL_CALLS)) {
      const before = api.calls.length;
      const result = (await qc.client.callTool({ name, arguments: expected.args })) as CallToolResult;
      expectToolCall(name, expected, result, api.calls.slice(before));
    }
  });

  it("reports QuantConnect's errors and retries its rate limits without a built-in delay", async () => {
    api.fail("/compile/read", { errors: ["Compile id not found."] });
    const refused = (await qc.client.callTool({ name: "read_compile", arguments: { projectId: 1, compileId: "c-1" } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.content[0]).toMatchObject({ text: "QC_API_ERROR: QuantConnect refused /compile/read: Compile id not found." });

    api.fail("/account/read", { status: 429, headers: { "retry-after": "0" } });
    const started = performance.now();
    const retried = (await qc.client.callTool({ name: "read_account", arguments: {} })) as CallToolResult;
    expect(retried.isError).toBeFalsy();
    expect(api.calls.filter((c) => c.endpoint === "/account/read")).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(2000); // the peer waits 5 s before every call
  });

  if (transport === "http") {
    it("answers 401 without or with a wrong key, 405 to GET and DELETE, and CORS to OPTIONS and POST", async () => {
      const url = qc.mcpUrl!;
      const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
      expect((await post(url, list)).status).toBe(401);
      expect((await post(url, list, { "x-api-key": `${QC_TEST_API_KEY}x` })).status).toBe(401);
      for (const method of ["GET", "DELETE"]) {
        const response = await fetch(url, { method, headers: { "x-api-key": QC_TEST_API_KEY } });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("POST, OPTIONS");
      }
      const preflight = await fetch(url, { method: "OPTIONS", headers: { origin: "https://claude.ai", "access-control-request-method": "POST" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      const reply = await post(url, list, { "x-api-key": QC_TEST_API_KEY, origin: "https://claude.ai" });
      expect(reply.headers.get("access-control-allow-origin")).toBe("*");
      expect(reply.headers.get("ratelimit")).toMatch(/^limit=1000, remaining=\d+, reset=\d+$/);
    });

    it("gives concurrent requests each their own answer", async () => {
      const projectIds = Array.from({ length: 20 }, (_, i) => 5000 + i);
      const replies = await Promise.all(
        projectIds.map(async (projectId, i) =>
          (await post(qc.mcpUrl!, { jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "read_project", arguments: { projectId } } }, { "x-api-key": QC_TEST_API_KEY })).json(),
        ),
      );
      replies.forEach((reply: { id: number; result: { structuredContent: { projects: { projectId: number }[] } } }, i) => {
        expect(reply.id).toBe(i);
        expect(reply.result.structuredContent.projects[0]!.projectId).toBe(projectIds[i]);
      });
    });
  }

  // Last, so every request above, refused ones included, has had its chance to leak a secret.
  it("never logs the API key, the QuantConnect token or an auth header", () => {
    expect(qc.stderr()).toContain("QuantConnect call"); // debug lines were written
    expect(qc.stderr()).not.toContain(api.apiToken);
    expect(qc.stderr()).not.toContain(QC_TEST_API_KEY);
    expect(qc.stderr()).not.toMatch(/Basic [A-Za-z0-9+/=]{20,}/);
  });
});
