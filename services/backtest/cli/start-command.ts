/**
 * The backtest service's part of `npm start` (`quantmind start`): the MCP server over HTTP on
 * loopback with the in-process queue (jobs run in this process, in the sandbox), and where to
 * connect. Client configurations holding the API key go to a 0600 file, not the terminal.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Stop } from "../../shared/cli/shutdown.js";
import { createLogger } from "../../shared/logger.js";
import { httpClientConfigs, stdioClientConfigs } from "../../shared/mcp/client-config.js";
import { PACKAGE_ROOT } from "../../shared/package-root.js";
import { createBacktestRuntime, serveBacktestHttp } from "../main.js";
import { datasetsFromEnv } from "../datasets-from-env.js";
import { BACKTEST_SERVER_NAME } from "../server.js";
import type { BacktestEnv } from "../service-config.js";

const CLI_LAUNCHER = path.join(PACKAGE_ROOT, "bin", "quantmind.js");

export async function startBacktest(env: BacktestEnv, out: NodeJS.WritableStream): Promise<Stop> {
  const single: BacktestEnv = { ...env, REDIS_URL: undefined };
  const logger = createLogger("backtest", { level: env.LOG_LEVEL });
  const dataDir = path.resolve(env.QM_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const runtime = createBacktestRuntime(single, logger, datasetsFromEnv(env));
  runtime.startWorkers();
  try {
    const server = await serveBacktestHttp(single, runtime);
    let keyLine = "  API key:                        from MCP_API_KEY (send as x-api-key or Authorization: Bearer)";
    if (server.apiKey.file) {
      const clientsFile = path.join(dataDir, "mcp-clients-backtest.json");
      const http = httpClientConfigs([{ name: BACKTEST_SERVER_NAME, url: server.mcpUrl, apiKey: server.apiKey.key }]);
      await writeFile(clientsFile, `${JSON.stringify(http, null, 2)}\n`, { mode: 0o600 });
      await chmod(clientsFile, 0o600);
      keyLine = `  API key:                        ${server.apiKey.file}\n  HTTP client configs with the key: ${clientsFile}`;
    }
    const stdio = stdioClientConfigs([
      { name: BACKTEST_SERVER_NAME, command: process.execPath, args: [CLI_LAUNCHER, "serve", "backtest"], env: { QM_DATA_DIR: dataDir, BACKTEST_DATA_DIR: path.resolve(env.BACKTEST_DATA_DIR) } },
    ]);
    out.write(
      [
        "",
        `QuantMind backtests are up (in-process queue, ${env.BACKTEST_WORKERS} worker(s)).`,
        `  MCP endpoint (Streamable HTTP): ${server.mcpUrl}`,
        `  health:                         ${server.url}/healthz`,
        keyLine,
        "",
        "Or let Claude Desktop / Cursor launch it over stdio (no key needed); paste into their mcpServers:",
        JSON.stringify(stdio.claudeDesktop.mcpServers, null, 2),
        "",
        "",
      ].join("\n"),
    );
    return async () => {
      await server.close();
      await runtime.close();
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
