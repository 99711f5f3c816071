/** The Lambda handler with API Gateway REST proxy events, against the QuantConnect stand-in. */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLambdaHandler, type LambdaHandler } from "../../../services/qc/lambda.js";
import { ConfigError } from "../../../services/shared/errors.js";
import { apiGatewayEvent, MCP_HEADERS, mcpEvent, toolCall } from "../../helpers/api-gateway-events.js";
import { startQcApiServer, type QcApiServer } from "../../helpers/qc-api-server.js";
import { expectToolCall } from "../../helpers/qc-expect.js";
import { captureLogs, qcTestEnv } from "../../helpers/qc-in-process.js";
import { TOOL_CALLS } from "../../helpers/qc-tool-calls.js";

const KEY = "lambda-test-key-0123456789abcdef";
let api: QcApiServer;
let handler: LambdaHandler;
const logs = captureLogs();

beforeAll(async () => {
  api = await startQcApiServer();
  handler = createLambdaHandler(qcTestEnv(api, { MCP_API_KEY: KEY }), { logDestination: logs.destination });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

async function rpc(message: unknown, key: string | null = KEY) {
  const result = await handler(mcpEvent(key ?? undefined, message));
  return { ...result, json: JSON.parse(result.body) as { id: number; result: Record<string, unknown>; error?: unknown } };
}

describe("Lambda handler (API Gateway REST proxy)", () => {
  it("answers tools/list with every tool", async () => {
    const { statusCode, json, headers } = await rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(statusCode).toBe(200);
    expect(headers["content-type"]).toMatch(/^application\/json/);
    expect((json.result.tools as unknown[]).length).toBe(63);
  });

  it.each(Object.entries(TOOL_CALLS))("%s works through an API Gateway event", async (name, expected) => {
    const { json } = await rpc(toolCall(1, name, expected.args));
    expectToolCall(name, expected, json.result as unknown as CallToolResult, api.calls);
  });

  it("answers GET and DELETE with 405 and Allow, and OPTIONS with the CORS preflight", async () => {
    for (const method of ["GET", "DELETE"]) {
      const result = await handler(apiGatewayEvent(method, { headers: { "x-api-key": KEY } }));
      expect(result.statusCode).toBe(405);
      expect(result.headers.allow).toBe("POST, OPTIONS");
    }
    const preflight = await handler(
      apiGatewayEvent("OPTIONS", { headers: { origin: "https://claude.ai", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-api-key" } }),
    );
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({ "access-control-allow-origin": "*" });
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(preflight.headers["access-control-allow-headers"]?.toLowerCase()).toContain("x-api-key");
  });

  it("puts CORS headers on POST replies, answered or refused", async () => {
    const ok = await handler(mcpEvent(KEY, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { origin: "https://claude.ai" }));
    expect(ok.headers["access-control-allow-origin"]).toBe("*");
    const refused = await handler(mcpEvent(undefined, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { origin: "https://claude.ai" }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["access-control-allow-origin"]).toBe("*");
  });

  it("refuses a missing or wrong API key with 401, and accepts it as a Bearer token", async () => {
    const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    expect((await rpc(list, null)).json).toMatchObject({ error: "UNAUTHORIZED", message: expect.stringMatching(/missing API key/) });
    expect((await rpc(list, `${KEY}x`)).statusCode).toBe(401);
    const bearer = await handler(apiGatewayEvent("POST", { headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY}` }, body: list }));
    expect(bearer.statusCode).toBe(200);
    expect(api.calls).toEqual([]);
  });

  it("answers a body that is not JSON with the JSON-RPC parse error", async () => {
    const result = await handler(apiGatewayEvent("POST", { headers: { ...MCP_HEADERS, "x-api-key": KEY }, body: "{not json" }));
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 }, id: null });
  });

  it("reads base64-encoded bodies and multi-value headers", async () => {
    const encoded = await handler(apiGatewayEvent("POST", { headers: { ...MCP_HEADERS, "x-api-key": KEY }, body: toolCall(4, "read_project", { projectId: 4 }), base64: true }));
    expect(JSON.parse(encoded.body)).toMatchObject({ id: 4, result: { structuredContent: { projects: [{ projectId: 4 }] } } });
    const multi = await handler({
      ...apiGatewayEvent("POST", { body: toolCall(5, "read_project", { projectId: 5 }) }),
      headers: null,
      multiValueHeaders: { "content-type": ["application/json"], accept: ["application/json, text/event-stream"], "x-api-key": [KEY] },
    });
    expect(JSON.parse(multi.body)).toMatchObject({ id: 5, result: { structuredContent: { projects: [{ projectId: 5 }] } } });
  });

  it("gives concurrent requests each their own answer", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => 1000 + i);
    const results = await Promise.all(ids.map((projectId, i) => rpc(toolCall(i, "read_project", { projectId }))));
    results.forEach(({ json }, i) => {
      expect(json.id).toBe(i);
      expect(json.result.structuredContent).toMatchObject({ projects: [{ projectId: ids[i] }] });
    });
  });

  it("serves /healthz's status without a key, and its details only with one", async () => {
    const health = await handler(apiGatewayEvent("GET", { path: "/healthz" }));
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    const detailed = await handler(apiGatewayEvent("GET", { path: "/healthz", headers: { "x-api-key": KEY } }));
    expect(JSON.parse(detailed.body)).toEqual({ status: "ok", service: "qc", tools: 63, liveTrading: true });
  });

  it("takes the API key from the MCP_API_KEY_ARN secret when MCP_API_KEY is unset", async () => {
    const reads: string[] = [];
    const secretKey = "key-from-the-secret-0123456789";
    const secrets: Record<string, string> = {
      "qc/credentials": JSON.stringify({ userId: api.userId, apiToken: api.apiToken }),
      "qc/mcp-api-key": `${secretKey}\n`,
    };
    const fromSecret = createLambdaHandler(
      { QC_SECRETS_ARN: "qc/credentials", MCP_API_KEY_ARN: "qc/mcp-api-key", QC_API_URL: api.url, LOG_LEVEL: "silent" },
      { readSecret: async (id) => (reads.push(id), secrets[id]!) },
    );
    const call = (key: string) => fromSecret(mcpEvent(key, toolCall(1, "read_account", {})));
    expect((await call(KEY)).statusCode).toBe(401);
    const answered = await call(secretKey);
    expect(JSON.parse(answered.body).result.structuredContent).toMatchObject({ success: true });
    expect(api.calls).toEqual([expect.objectContaining({ endpoint: "/account/read", authorized: true })]);
    expect(reads).toEqual(["qc/mcp-api-key", "qc/credentials"]); // the key at start, the credentials at the first call
  });

  it("answers 503 while the key secret cannot be used, and reads it again on the next request", async () => {
    const logs = captureLogs();
    let key = "short";
    const handler = createLambdaHandler(
      { QC_USER_ID: api.userId, QC_API_TOKEN: api.apiToken, MCP_API_KEY_ARN: "qc/mcp-api-key", QC_API_URL: api.url, LOG_LEVEL: "warn" },
      { readSecret: async () => key, logDestination: logs.destination },
    );
    const list = mcpEvent("late-key-0123456789abcdef", { jsonrpc: "2.0", id: 1, method: "tools/list" });
    const refused = await handler(list);
    expect(refused.statusCode).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: "UNAVAILABLE" });
    expect(logs.text()).toMatch(/secret qc\/mcp-api-key holds no API key of 16 or more characters/);
    key = "late-key-0123456789abcdef";
    expect((await handler(list)).statusCode).toBe(200);
    expect(logs.text()).not.toContain(key);
  });

  it("refuses to start without an API key or with a bad variable, naming it", () => {
    expect(() => createLambdaHandler(qcTestEnv(api))).toThrow(ConfigError);
    expect(() => createLambdaHandler(qcTestEnv(api))).toThrow(/^MCP_API_KEY is not set: .* or as the secret MCP_API_KEY_ARN names$/);
    expect(() => createLambdaHandler(qcTestEnv(api, { MCP_API_KEY: KEY, QC_TOOLSETS: "bogus" }))).toThrow(/^QC_TOOLSETS="bogus": unknown toolset/);
  });

  it("never logs the API key or the QuantConnect token", () => {
    expect(logs.text()).toContain("QuantConnect call");
    expect(logs.text()).not.toContain(KEY);
    expect(logs.text()).not.toContain(api.apiToken);
  });
});
