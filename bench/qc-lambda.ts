/**
 * The QuantConnect Lambda bundle: its size (minified and gzipped) and its cold start, measured
 * the way Lambda pays it: a fresh `node` loads `index.js` with the handler built in the init
 * phase (AWS_LAMBDA_FUNCTION_NAME set), against a bare `node -e ""` started the same way.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { bundleQcLambda } from "../scripts/build-qc-lambda.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { summarise, type LatencySummary } from "./lib/stats.js";

export interface LambdaBenchResult {
  bytes: number;
  gzipBytes: number;
  bareNode: LatencySummary;
  /** Load and init (config, client, app), no request. */
  init: LambdaBenchResult["bareNode"];
  /** Load, init and the first tools/list answered. */
  firstList: LambdaBenchResult["bareNode"];
}

function runNode(script: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", script], { env, stdio: ["ignore", "ignore", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`node exited with ${code}`))));
  });
}

export async function benchQcLambda(options: { runs: number; qcApiUrl: string; userId: string; apiToken: string }): Promise<LambdaBenchResult> {
  const temp = await makeTempDir("qm-bench-qc-lambda-");
  try {
    const { file, bytes } = await bundleQcLambda(temp.dir);
    const gzipBytes = gzipSync(await readFile(file), { level: 9 }).length;
    const env = {
      PATH: process.env.PATH ?? "",
      AWS_LAMBDA_FUNCTION_NAME: "qc-mcp-bench",
      QC_USER_ID: options.userId,
      QC_API_TOKEN: options.apiToken,
      QC_API_URL: options.qcApiUrl,
      MCP_API_KEY: "bench-key-0123456789abcdef",
      QC_ENABLE_LIVE_TRADING: "true",
      LOG_LEVEL: "warn",
    };
    const event = JSON.stringify({
      httpMethod: "POST",
      path: "/mcp",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": env.MCP_API_KEY },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    const scripts = {
      bare: "",
      init: `require(${JSON.stringify(file)})`,
      firstList: `require(${JSON.stringify(file)}).handler(${event}).then((r) => { if (r.statusCode !== 200) process.exit(1); })`,
    };
    const samples = { bare: [] as number[], init: [] as number[], firstList: [] as number[] };
    await runNode(scripts.init, env); // warm the file cache
    for (let i = 0; i < options.runs; i++) {
      // Interleaved, so load on a shared machine hits all three alike.
      for (const kind of ["bare", "init", "firstList"] as const) samples[kind].push(await runNode(scripts[kind], env));
    }
    return { bytes, gzipBytes, bareNode: summarise(samples.bare), init: summarise(samples.init), firstList: summarise(samples.firstList) };
  } finally {
    await temp.remove();
  }
}

export function printLambdaResult(result: LambdaBenchResult): void {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  console.log(`lambda bundle: ${kb(result.bytes)} minified (${result.bytes} bytes), ${kb(result.gzipBytes)} gzipped`);
  console.log(
    `cold start, median of ${result.bareNode.count} (p90): bare node ${result.bareNode.p50.toFixed(1)} ms (${result.bareNode.p90.toFixed(1)}); ` +
      `load + init ${result.init.p50.toFixed(1)} ms (${result.init.p90.toFixed(1)}) = +${(result.init.p50 - result.bareNode.p50).toFixed(1)} ms; ` +
      `load + init + first tools/list ${result.firstList.p50.toFixed(1)} ms = +${(result.firstList.p50 - result.bareNode.p50).toFixed(1)} ms`,
  );
}
