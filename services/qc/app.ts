/**
 * What every QuantConnect MCP edge builds from a parsed config: the dependencies (client, cached
 * listing, validator) and the HTTP app whose `fetch` the Node server and the Lambda both wrap.
 * Kept apart from main.ts so the Lambda does not load Node's HTTP server or the stdio transport.
 */
import type { Hono } from "hono";
import type { Logger } from "pino";
import { createHttpApp } from "../shared/http/create-http-app.js";
import { registerSecret } from "../shared/logger.js";
import { createQcClient } from "./client/qc-client.js";
import { cachedSecretCredentials, staticCredentials, type CredentialsSource, type SecretReader } from "./client/credentials.js";
import { secretsManagerReader } from "./client/secrets-manager.js";
import type { QcConfig } from "./config.js";
import type { QcDeps } from "./deps.js";
import { createZodJsonSchemaValidator } from "./json-schema-validator.js";
import { createQcServer } from "./server.js";
import { createToolListing } from "./tool-list.js";
import { QC_TOOLS } from "./tools/all-tools.js";

/** Largest accepted MCP request: room for a 2 MB file or a 3 MB base64 upload in JSON-RPC. */
export const QC_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface QcDepsOverrides {
  /** Reads the credentials secret; default AWS Secrets Manager. */
  readSecret?: SecretReader;
  fetch?: typeof fetch;
}

/** Builds the client and the cached listing the config describes. Cheap: no network until a tool runs. */
export function createQcDeps(config: QcConfig, logger: Logger | undefined, overrides: QcDepsOverrides = {}): QcDeps {
  registerSecret(config.MCP_API_KEY);
  const credentials: CredentialsSource =
    config.QC_SECRETS_ARN !== undefined
      ? cachedSecretCredentials({
          secretId: config.QC_SECRETS_ARN,
          ttlMs: config.QC_SECRETS_TTL_SECONDS * 1000,
          read: overrides.readSecret ?? secretsManagerReader(),
        })
      : staticCredentials({ userId: config.QC_USER_ID!, apiToken: config.QC_API_TOKEN! });
  const client = createQcClient({
    baseUrl: config.QC_API_URL,
    credentials,
    timeoutMs: config.QC_TIMEOUT_MS,
    deadlineMs: config.QC_DEADLINE_MS,
    maxAttempts: config.QC_MAX_ATTEMPTS,
    ...(logger !== undefined && { logger }),
    ...(overrides.fetch !== undefined && { fetch: overrides.fetch }),
  });
  return {
    client,
    toolsets: config.QC_TOOLSETS,
    liveTrading: config.QC_ENABLE_LIVE_TRADING,
    agentName: config.QC_AGENT_NAME,
    listing: createToolListing(QC_TOOLS, { toolsets: config.QC_TOOLSETS, liveTrading: config.QC_ENABLE_LIVE_TRADING }),
    validator: createZodJsonSchemaValidator(),
    ...(logger !== undefined && { logger }),
  };
}

export interface QcHttpAppOptions {
  apiKeys: readonly string[];
  /** Calls per minute per key, each call of a batch counted; 0 or undefined: no limit (API Gateway limits on aws). */
  rateLimitPerMinute?: number;
}

/** The HTTP app (`/mcp`, `/healthz`) whose `fetch` both the Node server and the Lambda adapter wrap. */
export function createQcHttpApp(config: QcConfig, deps: QcDeps, options: QcHttpAppOptions): Hono {
  for (const key of options.apiKeys) registerSecret(key);
  return createHttpApp({
    createMcpServer: (messages) => createQcServer(deps, messages),
    apiKeys: options.apiKeys,
    corsOrigins: config.MCP_CORS_ORIGINS,
    maxBodyBytes: QC_MAX_BODY_BYTES,
    ...(options.rateLimitPerMinute ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    ...(deps.logger !== undefined && { logger: deps.logger }),
    health: () => ({ service: "qc", tools: deps.listing.visible.length, liveTrading: deps.liveTrading }),
  });
}
