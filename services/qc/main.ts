/**
 * The QuantConnect MCP server's Node edge: serves MCP over stdio or HTTP from the dependencies
 * app.ts builds. The CLI calls these; nothing else reads env.
 */
import { serveMcpHttp, type McpHttpServer } from "../shared/http/serve-mcp-http.js";
import { serveStdio } from "../shared/mcp/stdio.js";
import { createQcHttpApp } from "./app.js";
import type { QcConfig } from "./config.js";
import type { QcDeps } from "./deps.js";
import { createQcServer } from "./server.js";

/** Serves over stdio until the client disconnects. */
export async function serveQcStdio(deps: QcDeps): Promise<void> {
  await serveStdio(createQcServer(deps));
}

/** Serves Streamable HTTP on MCP_HOST:MCP_PORT with per-key rate limiting; the key comes from config or the data dir. */
export function serveQcHttp(config: QcConfig, deps: QcDeps): Promise<McpHttpServer> {
  return serveMcpHttp({
    config,
    title: "QuantConnect",
    logger: deps.logger,
    createApp: (apiKeys) => createQcHttpApp(config, deps, { apiKeys, rateLimitPerMinute: config.MCP_RATE_LIMIT_PER_MINUTE }),
    details: {
      tools: deps.listing.visible.length,
      toolsets: deps.toolsets,
      liveTrading: deps.liveTrading,
      rateLimitPerMinute: config.MCP_RATE_LIMIT_PER_MINUTE,
    },
  });
}
