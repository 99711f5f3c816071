/**
 * The Lambda bundle as deployed: built by bundleQcLambda, loaded by plain `node` the way the
 * nodejs22.x runtime loads `index.handler` (init phase included), and driven with API Gateway
 * events against the QuantConnect stand-in.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleQcLambda } from "../../../scripts/build-qc-lambda.js";
import { createToolListing } from "../../../services/qc/tool-list.js";
import { QC_TOOLS } from "../../../services/qc/tools/all-tools.js";
import { QC_TOOLSETS } from "../../../services/qc/toolsets.js";
import { mcpEvent, toolCall } from "../../helpers/api-gateway-events.js";
import { startQcApiServer, type QcApiServer } from "../../helpers/qc-api-server.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

const KEY = "bundle-test-key-0123456789abcdef";
let api: QcApiServer;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let bundle: { file: string; bytes: number };

beforeAll(async () => {
  api = await startQcApiServer();
  temp = await makeTempDir("qm-qc-bundle-");
  bundle = await bundleQcLambda(temp.dir);
});
afterAll(async () => {
  await api.close();
  await temp.remove();
});

/** Loads the bundle in a fresh `node`, sends `events` to its handler, returns the results (or the load error). */
function runBundle(env: Record<string, string>, events: unknown[]): Promise<{ code: number | null; results: { statusCode: number; headers: Record<string, string>; body: string }[]; stderr: string }> {
  const script = `
    const { handler } = require(${JSON.stringify(bundle.file)});
    (async () => {
      const results = [];
      for (const event of ${JSON.stringify(events)}) results.push(await handler(event));
      process.stdout.write(JSON.stringify(results));
    })();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", script], { env: { PATH: process.env.PATH ?? "", AWS_LAMBDA_FUNCTION_NAME: "qc-mcp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.once("exit", (code) => resolve({ code, results: stdout ? JSON.parse(stdout) : [], stderr }));
  });
}

describe("Lambda bundle", () => {
  it("fits the 600 KB budget and leaves the AWS SDK to the runtime", async () => {
    expect(bundle.file).toMatch(/index\.js$/);
    expect(bundle.bytes).toBeLessThanOrEqual(600_000);
  });

  it("runs as index.handler: tools/list, a QuantConnect call, 405 on GET", async () => {
    const env = { QC_USER_ID: api.userId, QC_API_TOKEN: api.apiToken, QC_API_URL: api.url, MCP_API_KEY: KEY, LOG_LEVEL: "warn" };
    const { code, results, stderr } = await runBundle(env, [
      mcpEvent(KEY, { jsonrpc: "2.0", id: 1, method: "tools/list" }),
      mcpEvent(KEY, toolCall(2, "read_project", { projectId: 31337 })),
      { httpMethod: "GET", path: "/mcp", headers: { "x-api-key": KEY }, body: null },
    ]);
    expect(code, stderr).toBe(0);
    const [list, call, get] = results;
    // Live trading is off by default; the inlined schemas list exactly what the sources do.
    const expected = createToolListing(QC_TOOLS, { toolsets: [...QC_TOOLSETS], liveTrading: false }).result().tools;
    expect(JSON.parse(list!.body).result.tools).toEqual(expected);
    expect(expected).toHaveLength(58);
    expect(JSON.parse(call!.body).result.structuredContent.projects[0].projectId).toBe(31337);
    expect(api.calls.at(-1)).toMatchObject({ endpoint: "/projects/read", authorized: true });
    expect(get).toMatchObject({ statusCode: 405, headers: { allow: "POST, OPTIONS" } });
  });

  it("fails its init with one line naming a bad variable", async () => {
    const { code, stderr } = await runBundle({ QC_USER_ID: api.userId, QC_API_URL: api.url, MCP_API_KEY: KEY }, []);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/QC_API_TOKEN: is required/);
  });
});
