/**
 * The QuantConnect MCP server's Node edge: serves MCP over stdio or HTTP from the dependencies
 * app.ts builds. The CLI calls these; nothing else reads env.
 */
import { loadOrCreateApiKey, type ApiKeySource } from "../shared/http/api-key-file.js";
import { serveHttp, type RunningHttpServer } from "../shared/http/serve-node.js";
import { serveStdio } from "../shared/mcp/stdio.js";
import { createQcHttpApp } from "./app.js";
import type { QcConfig } from "./config.js";
import type { QcDeps } from "./deps.js";
import { createQcServer } from "./server.js";

/** Serves over stdio until the client disconnects. */
export async function serveQcStdio(deps: QcDeps): Promise<void> {
  await serveStdio(createQcServer(deps));
}

export interface QcHttpServer extends RunningHttpServer {
  mcpUrl: string;
  apiKey: ApiKeySource;
}

/** Serves Streamable HTTP on MCP_HOST:MCP_PORT with per-key rate limiting; the key comes from config or the data dir. */
export async function serveQcHttp(config: QcConfig, deps: QcDeps): Promise<QcHttpServer> {
  const apiKey: ApiKeySource = config.MCP_API_KEY
    ? { key: config.MCP_API_KEY, created: false }
    : await loadOrCreateApiKey(config.QM_DATA_DIR);
  const app = createQcHttpApp(config, deps, { apiKeys: [apiKey.key], rateLimitPerMinute: config.MCP_RATE_LIMIT_PER_MINUTE });
  const running = await serveHttp(app.fetch, {
    host: config.MCP_HOST,
    port: config.MCP_PORT,
    onError: (error) => deps.logger?.error({ err: error }, "HTTP server error"),
  });
  return { ...running, mcpUrl: `${running.url}/mcp`, apiKey };
}
