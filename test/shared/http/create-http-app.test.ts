import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiKeyMatches, presentedApiKey } from "../../../services/shared/http/api-key-auth.js";
import { createHttpApp } from "../../../services/shared/http/create-http-app.js";

const KEY = "test-key-0123456789abcdef";

function echoServer(): McpServer {
  const server = new McpServer({ name: "echo", version: "1.0.0" });
  server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  return server;
}

const app = createHttpApp({ createMcpServer: echoServer, apiKeys: [KEY], maxBodyBytes: 4096 });

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};

function post(body: unknown, headers: Record<string, string> = {}) {
  return app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("createHttpApp", () => {
  it("serves /healthz without a key", async () => {
    const response = await app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 401 without a key and with a wrong key", async () => {
    const missing = await post(initialize);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await missing.json()).message).toMatch(/missing API key/);
    const wrong = await post(initialize, { "x-api-key": `${KEY}x` });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toBe("invalid API key");
    expect((await post(initialize, { authorization: "Bearer nope" })).status).toBe(401);
  });

  it("accepts the key as x-api-key or Authorization: Bearer and answers MCP in JSON", async () => {
    const variants: Record<string, string>[] = [{ "x-api-key": KEY }, { authorization: `Bearer ${KEY}` }];
    for (const headers of variants) {
      const response = await post(initialize, headers);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.result.serverInfo.name).toBe("echo");
    }
  });

  it("answers GET and DELETE on /mcp with 405 and Allow", async () => {
    for (const method of ["GET", "DELETE", "PUT", "PATCH"]) {
      const response = await app.request("/mcp", { method, headers: { "x-api-key": KEY } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    }
  });

  it("answers the CORS preflight and puts CORS headers on POST replies", async () => {
    const preflight = await app.request("/mcp", {
      method: "OPTIONS",
      headers: { origin: "https://client.example", "access-control-request-method": "POST", "access-control-request-headers": "x-api-key" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-api-key");

    const reply = await post(initialize, { "x-api-key": KEY, origin: "https://client.example" });
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await post(initialize, { origin: "https://client.example" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("refuses bodies over the limit with 413", async () => {
    const response = await post({ ...initialize, padding: "x".repeat(10_000) }, { "x-api-key": KEY });
    expect(response.status).toBe(413);
  });

  it("serves concurrent requests each with its own answer", async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      post({ jsonrpc: "2.0", id: i, method: "tools/call", params: { name: "echo", arguments: { text: `n${i}` } } }, { "x-api-key": KEY }),
    );
    const bodies = await Promise.all(calls.map(async (c) => (await c).json()));
    bodies.forEach((body, i) => {
      expect(body.id).toBe(i);
      expect(body.result.content[0].text).toBe(`n${i}`);
    });
  });
});

describe("API key helpers", () => {
  it("reads either header", () => {
    expect(presentedApiKey(new Headers({ "x-api-key": "a" }))).toBe("a");
    expect(presentedApiKey(new Headers({ authorization: "bearer  b " }))).toBe("b");
    expect(presentedApiKey(new Headers({ authorization: "Basic c" }))).toBeUndefined();
  });

  it("matches any of several keys (rotation) and nothing else", () => {
    expect(apiKeyMatches("new", ["old", "new"])).toBe(true);
    expect(apiKeyMatches("ne", ["old", "new"])).toBe(false);
    expect(apiKeyMatches("", ["old"])).toBe(false);
  });
});
