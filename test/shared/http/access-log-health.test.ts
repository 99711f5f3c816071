/**
 * The HTTP app's operator-facing surface: one access-log line per request (method, path, status,
 * duration, MCP method and tool, calls, a short id of the key; never the key, headers or body),
 * and `/healthz` that tells anyone only the status, and the details only to a caller with a key.
 */
import { Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createHttpApp } from "../../../services/shared/http/create-http-app.js";
import { apiKeyId } from "../../../services/shared/http/key-id.js";
import { createLogger } from "../../../services/shared/logger.js";

const KEY = "access-log-key-0123456789abcdef";

function setup() {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const logger = createLogger("http-test", { destination });
  const app = createHttpApp({
    createMcpServer: () => {
      const server = new McpServer({ name: "echo", version: "1.0.0" });
      server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text: t }) => ({ content: [{ type: "text", text: t }] }));
      return server;
    },
    apiKeys: [KEY],
    logger,
    health: () => ({ service: "demo", tools: 61, liveTrading: true }),
  });
  const lines = () => text.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, lines, text: () => text };
}

const post = (app: ReturnType<typeof createHttpApp>, body: unknown, headers: Record<string, string>) =>
  app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });

describe("access log", () => {
  it("writes one line per request with the MCP method, tool and key id, never the key or the body", async () => {
    const { app, lines, text } = setup();
    const secretArgument = "private-argument-text-42";
    const ok = await post(app, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: { text: secretArgument } } }, { "x-api-key": KEY });
    expect(ok.status).toBe(200);
    await post(app, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { "x-api-key": "wrong-key-000000000000" });
    await post(app, { jsonrpc: "2.0", id: 3, method: "tools/list" }, {});
    await app.request("/healthz");

    const logged = lines().filter((l) => l.msg === "request");
    expect(logged).toHaveLength(4);
    expect(logged[0]).toMatchObject({ level: 30, method: "POST", path: "/mcp", status: 200, rpc: "tools/call", tool: "echo", calls: 1, key: apiKeyId(KEY) });
    expect(typeof logged[0]!.ms).toBe("number");
    expect(logged[1]).toMatchObject({ status: 401, key: "refused" });
    expect(logged[2]).toMatchObject({ status: 401, key: "none" });
    expect(logged[3]).toMatchObject({ method: "GET", path: "/healthz", status: 200 });
    expect(apiKeyId(KEY)).toMatch(/^[0-9a-f]{8}$/);
    expect(text()).not.toContain(KEY);
    expect(text()).not.toContain("wrong-key");
    expect(text()).not.toContain(secretArgument);
  });
});

describe("/healthz", () => {
  it("answers anyone with the status only, and a caller with a valid key with the details", async () => {
    const { app } = setup();
    expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" });
    expect(await (await app.request("/healthz", { headers: { "x-api-key": "wrong-key-000000000000" } })).json()).toEqual({ status: "ok" });
    expect(await (await app.request("/healthz", { headers: { authorization: `Bearer ${KEY}` } })).json()).toEqual({
      status: "ok",
      service: "demo",
      tools: 61,
      liveTrading: true,
    });
  });
});
