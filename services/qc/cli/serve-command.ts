/** `quantmind serve qc`: the QuantConnect MCP server over stdio (default) or HTTP. */
import { createLogger } from "../../shared/logger.js";
import { loadQcConfig } from "../config.js";
import { createQcDeps } from "../app.js";
import { serveQcHttp, serveQcStdio } from "../main.js";

export interface ServeQcOptions {
  transport: "stdio" | "http";
  host?: string;
  port?: string;
}

/**
 * Runs the server; resolves when stdio ends, or once HTTP listens with a function that stops
 * it. Options override MCP_HOST / MCP_PORT.
 */
export async function serveQc(options: ServeQcOptions, env: NodeJS.ProcessEnv = process.env): Promise<(() => Promise<void>) | undefined> {
  const config = loadQcConfig({
    ...env,
    ...(options.host !== undefined && { MCP_HOST: options.host }),
    ...(options.port !== undefined && { MCP_PORT: options.port }),
  });
  const logger = createLogger("qc-mcp", { level: config.LOG_LEVEL });
  const deps = createQcDeps(config, logger);
  if (options.transport === "stdio") {
    await serveQcStdio(deps);
    return undefined;
  }
  const server = await serveQcHttp(config, deps);
  logger.info(
    {
      url: server.mcpUrl,
      apiKeyFile: server.apiKey.file,
      tools: deps.listing.visible.length,
      toolsets: deps.toolsets,
      liveTrading: deps.liveTrading,
      rateLimitPerMinute: config.MCP_RATE_LIMIT_PER_MINUTE,
    },
    "QuantConnect MCP server listening",
  );
  return () => server.close();
}
