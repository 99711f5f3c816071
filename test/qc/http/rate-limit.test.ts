/** Per-API-key rate limiting on the local HTTP server: it counts calls, each call of a batch on its own. */
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadQcConfig } from "../../../services/qc/config.js";
import { apiKeyRateLimit } from "../../../services/shared/http/rate-limit.js";
import { createQcDeps, createQcHttpApp } from "../../../services/qc/app.js";
import { startQcApiServer, type QcApiServer } from "../../helpers/qc-api-server.js";
import { qcTestEnv } from "../../helpers/qc-in-process.js";

const A = "rate-key-a-0123456789abcdef";
const B = "rate-key-b-0123456789abcdef";
let api: QcApiServer;

beforeAll(async () => {
  api = await startQcApiServer();
});
afterAll(() => api.close());

function post(app: Hono, key: string, origin?: string, body: unknown = { jsonrpc: "2.0", id: 1, method: "tools/list" }) {
  return app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": key, ...(origin && { origin }) },
    body: JSON.stringify(body),
  });
}

const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "read_account", arguments: {} } });

describe("rate limiting per API key", () => {
  it("answers 429 with Retry-After and CORS past the limit, counting each key on its own and refused keys not at all", async () => {
    const config = loadQcConfig({ ...qcTestEnv(api), LOG_LEVEL: "silent" });
    const app = createQcHttpApp(config, createQcDeps(config, undefined), { apiKeys: [A, B], rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await post(app, A);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("ratelimit")).toBe(`limit=3, remaining=${2 - i}, reset=60`);
    }
    const limited = await post(app, A, "https://claude.ai");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    expect(await limited.json()).toMatchObject({ error: "RATE_LIMITED", message: expect.stringMatching(/more than 3 calls in 60 s with this API key/) });

    expect((await post(app, B)).status).toBe(200);
    expect((await post(app, "not-a-valid-key-000000")).status).toBe(401);
  });

  it("lets a key through again once its window has passed", async () => {
    const app = new Hono().post("/mcp", apiKeyRateLimit({ limit: 1, windowMs: 150 }), (c) => c.text("ok"));
    expect((await post(app, A)).status).toBe(200);
    expect((await post(app, A)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post(app, A)).status).toBe(200);
  });

  it("counts every call of a batch, refuses a batch that would pass the limit, and one over the batch bound", async () => {
    const config = loadQcConfig({ ...qcTestEnv(api), LOG_LEVEL: "silent" });
    const app = createQcHttpApp(config, createQcDeps(config, undefined), { apiKeys: [A], rateLimitPerMinute: 5 });
    api.reset();
    // Over the bound of 10: refused before anything runs, and it costs nothing.
    const huge = await post(app, A, undefined, Array.from({ length: 100 }, (_, i) => call(i)));
    expect(huge.status).toBe(400);
    expect(await huge.json()).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/batch of 100 messages .* limit of 10/) } });
    // Six calls with five allowed: refused whole, nothing reaches QuantConnect.
    const six = await post(app, A, undefined, Array.from({ length: 6 }, (_, i) => call(i)));
    expect(six.status).toBe(429);
    expect((await six.json()).message).toMatch(/more than 5 calls .*this request carries 6/);
    expect(api.calls.length).toBe(0);
    // Four in a batch, then one: the fifth call is the last allowed.
    expect((await post(app, A, undefined, Array.from({ length: 4 }, (_, i) => call(i)))).status).toBe(200);
    expect((await post(app, A, undefined, call(9))).status).toBe(200);
    expect((await post(app, A, undefined, call(10))).status).toBe(429);
    expect(api.calls.length).toBe(5);
  });

  it("is off when the limit is 0", async () => {
    const config = loadQcConfig({ ...qcTestEnv(api), LOG_LEVEL: "silent" });
    const app = createQcHttpApp(config, createQcDeps(config, undefined), { apiKeys: [A], rateLimitPerMinute: 0 });
    for (let i = 0; i < 5; i++) expect((await post(app, A)).status).toBe(200);
  });
});
