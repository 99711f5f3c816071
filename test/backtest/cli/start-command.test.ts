import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startBacktest } from "../../../services/backtest/cli/start-command.js";
import { loadBacktestEnv } from "../../../services/backtest/service-config.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("qm-bt-start-");
});
afterAll(() => temp?.remove());

it("npm start's backtest part serves MCP over HTTP with the in-process queue and prints how to connect", async () => {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk) => (text += String(chunk)));
  // REDIS_URL is ignored here on purpose: a single user's start runs jobs in process.
  const env = loadBacktestEnv({ QM_DATA_DIR: temp.dir, MCP_PORT: "0", LOG_LEVEL: "silent", REDIS_URL: "redis://127.0.0.1:1" });
  const stop = await startBacktest(env, out);
  try {
    const url = /MCP endpoint \(Streamable HTTP\): (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    expect(text).toContain("in-process queue");
    expect(text).toContain('"serve",\n      "backtest"');
    const clients = path.join(temp.dir, "mcp-clients-backtest.json");
    expect((await stat(clients)).mode & 0o777).toBe(0o600);
    const key = (await readFile(path.join(temp.dir, "api-key"), "utf8")).trim();
    expect(text).not.toContain(key); // the key goes to the 0600 file, not the terminal
    const client = new Client({ name: "start-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url!), { requestInit: { headers: { "x-api-key": key } } }));
    const datasets = (await client.callTool({ name: "list_datasets", arguments: {} })).structuredContent as { datasets: { name: string }[] };
    expect(datasets.datasets.map((d) => d.name)).toContain("GOOG-daily-2004-2013.csv");
    await client.close();
  } finally {
    await stop();
  }
});
