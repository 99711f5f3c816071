/**
 * Serves one MCP service over Streamable HTTP: loads the API key (MCP_API_KEY, its `_FILE` form,
 * or one generated into the data directory), builds the service's app around it, listens on
 * MCP_HOST:MCP_PORT, and logs one "<title> MCP server listening" line carrying the `/mcp` URL
 * (tests and the container bench read it). `close()` lets in-flight requests finish.
 */
import type { Logger } from "pino";
import { registerSecret } from "../logger.js";
import { loadOrCreateApiKey, type ApiKeySource } from "./api-key-file.js";
import { serveHttp, type RunningHttpServer } from "./serve-node.js";

/** The MCP HTTP variables every MCP service's config schema declares. */
export interface McpHttpConfig {
  /** Unset: a key generated into `<QM_DATA_DIR>/api-key`. */
  MCP_API_KEY?: string | undefined;
  QM_DATA_DIR: string;
  MCP_HOST: string;
  MCP_PORT: number;
}

export interface ServeMcpHttpOptions {
  config: McpHttpConfig;
  /** Builds the service's HTTP app (`/mcp`, `/healthz`) accepting `apiKeys`. */
  createApp(apiKeys: readonly string[]): { fetch: (request: Request) => Response | Promise<Response> };
  /** Names the server in the listening line, e.g. `knowledge-base`. */
  title: string;
  logger?: Logger | undefined;
  /** More fields for the listening line (tool counts, limits); never secrets. */
  details?: Record<string, unknown>;
  /** How long `close()` waits for in-flight requests; default 5 s. */
  closeGraceMs?: number;
}

export interface McpHttpServer extends RunningHttpServer {
  /** The MCP endpoint, `<url>/mcp`. */
  mcpUrl: string;
  apiKey: ApiKeySource;
}

/** Loads the configured key, or the data directory's (generated on first use). */
export async function loadMcpApiKey(config: Pick<McpHttpConfig, "MCP_API_KEY" | "QM_DATA_DIR">): Promise<ApiKeySource> {
  const apiKey: ApiKeySource = config.MCP_API_KEY ? { key: config.MCP_API_KEY, created: false } : await loadOrCreateApiKey(config.QM_DATA_DIR);
  registerSecret(apiKey.key);
  return apiKey;
}

export async function serveMcpHttp(options: ServeMcpHttpOptions): Promise<McpHttpServer> {
  const { config, logger } = options;
  const apiKey = await loadMcpApiKey(config);
  const app = options.createApp([apiKey.key]);
  const running = await serveHttp(app.fetch, {
    host: config.MCP_HOST,
    port: config.MCP_PORT,
    ...(options.closeGraceMs !== undefined && { closeGraceMs: options.closeGraceMs }),
    onError: (error) => logger?.error({ err: error }, "HTTP server error"),
  });
  const mcpUrl = `${running.url}/mcp`;
  logger?.info({ url: mcpUrl, apiKeyFile: apiKey.file, ...options.details }, `${options.title} MCP server listening`);
  return { ...running, mcpUrl, apiKey };
}
