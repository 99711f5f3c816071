/** serveMcpHttp: the API key it serves with, the listening line, and a close that lets in-flight requests finish. */
import { readFile, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveMcpHttp, type McpHttpServer } from "../../../services/shared/http/serve-mcp-http.js";
import { createLogger } from "../../../services/shared/logger.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir("qm-serve-mcp-");
});
afterAll(() => temp.remove());

/** An app that answers 200 only to the accepted key, and `/slow` after `release()` is called. */
function keyEchoApp(apiKeys: readonly string[], gate?: Promise<void>) {
  return {
    fetch: async (request: Request) => {
      if (new URL(request.url).pathname === "/slow") await gate;
      return new Response("ok", { status: request.headers.get("x-api-key") === apiKeys[0] ? 200 : 401 });
    },
  };
}

function logLines(stream: PassThrough): () => Record<string, unknown>[] {
  let text = "";
  stream.on("data", (chunk) => (text += String(chunk)));
  return () => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("serveMcpHttp", () => {
  it("serves with MCP_API_KEY when set, never writing a key file, and logs one listening line with the /mcp URL", async () => {
    const stream = new PassThrough();
    const lines = logLines(stream);
    const dataDir = path.join(temp.dir, "configured");
    const server = await serveMcpHttp({
      config: { MCP_API_KEY: "configured-key-0123456789", QM_DATA_DIR: dataDir, MCP_HOST: "127.0.0.1", MCP_PORT: 0 },
      title: "test",
      logger: createLogger("t", { destination: stream }),
      details: { tools: 3 },
      createApp: (keys) => keyEchoApp(keys),
    });
    try {
      expect(server.mcpUrl).toBe(`http://127.0.0.1:${server.port}/mcp`);
      expect(server.apiKey).toEqual({ key: "configured-key-0123456789", created: false });
      expect((await fetch(server.mcpUrl, { headers: { "x-api-key": "configured-key-0123456789" } })).status).toBe(200);
      await expect(stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
      expect(lines()).toEqual([expect.objectContaining({ msg: "test MCP server listening", url: server.mcpUrl, tools: 3 })]);
      expect(JSON.stringify(lines())).not.toContain("configured-key-0123456789");
    } finally {
      await server.close();
    }
  });

  it("without MCP_API_KEY generates a 0600 key file once and serves with it on every start", async () => {
    const dataDir = path.join(temp.dir, "generated");
    const config = { QM_DATA_DIR: dataDir, MCP_HOST: "127.0.0.1", MCP_PORT: 0 };
    const first = await serveMcpHttp({ config, title: "test", createApp: (keys) => keyEchoApp(keys) });
    await first.close();
    const second = await serveMcpHttp({ config, title: "test", createApp: (keys) => keyEchoApp(keys) });
    try {
      const file = path.join(dataDir, "api-key");
      expect(first.apiKey).toMatchObject({ file, created: true });
      expect(second.apiKey).toEqual({ key: first.apiKey.key, file, created: false });
      expect((await readFile(file, "utf8")).trim()).toBe(first.apiKey.key);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await fetch(second.mcpUrl, { headers: { "x-api-key": first.apiKey.key } })).status).toBe(200);
      expect((await fetch(second.mcpUrl, { headers: { "x-api-key": "wrong" } })).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it("refuses a port in use with a configuration error naming the port", async () => {
    const config = { MCP_API_KEY: "configured-key-0123456789", QM_DATA_DIR: temp.dir, MCP_HOST: "127.0.0.1", MCP_PORT: 0 };
    const taken = await serveMcpHttp({ config, title: "test", createApp: (keys) => keyEchoApp(keys) });
    try {
      await expect(serveMcpHttp({ config: { ...config, MCP_PORT: taken.port }, title: "test", createApp: (keys) => keyEchoApp(keys) })).rejects.toMatchObject({
        code: "CONFIG_INVALID",
        message: expect.stringContaining(`port ${taken.port} on 127.0.0.1 is already in use`),
      });
    } finally {
      await taken.close();
    }
  });
});

describe("close()", () => {
  function startWithGate(closeGraceMs: number): Promise<{ server: McpHttpServer; release: () => void }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    return serveMcpHttp({
      config: { MCP_API_KEY: "configured-key-0123456789", QM_DATA_DIR: temp.dir, MCP_HOST: "127.0.0.1", MCP_PORT: 0 },
      title: "test",
      closeGraceMs,
      createApp: (keys) => keyEchoApp(keys, gate),
    }).then((server) => ({ server, release }));
  }

  /** A raw request, so the test sees a cut connection as an error instead of a client retry. */
  function get(port: number, pathname: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: pathname, headers: { "x-api-key": "configured-key-0123456789" } }, (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode!));
      });
      req.once("error", reject);
      req.end();
    });
  }

  it("lets a request in flight finish, refuses new connections, and resolves once drained", async () => {
    const { server, release } = await startWithGate(10_000);
    const inFlight = get(server.port, "/slow");
    await new Promise((resolve) => setTimeout(resolve, 100)); // the request has reached the handler
    const started = Date.now();
    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(get(server.port, "/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    release();
    expect(await inFlight).toBe(200);
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("cuts a request still running after the grace period", async () => {
    const { server, release } = await startWithGate(300);
    const inFlight = get(server.port, "/slow");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(inFlight).rejects.toMatchObject({ code: "ECONNRESET" });
    release();
  });
});
