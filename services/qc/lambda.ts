/**
 * The Lambda entry point (handler `handler`) behind an API Gateway REST API: each proxy event
 * becomes a web `Request` for the same app the local HTTP server serves, and its `Response`
 * goes back as the proxy result. POST /mcp answers MCP, GET /mcp 405 with Allow, OPTIONS the
 * CORS preflight; API Gateway's usage plan does the rate limiting, the app checks the key too.
 */
import type { Env } from "../shared/config.js";
import { ConfigError } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import { loadQcConfig } from "./config.js";
import { eventToRequest, responseToResult, type ApiGatewayProxyEvent, type ApiGatewayProxyResult } from "./lambda/api-gateway.js";
import { createQcDeps, createQcHttpApp, type QcDepsOverrides } from "./app.js";

export type { ApiGatewayProxyEvent, ApiGatewayProxyResult };
export type LambdaHandler = (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>;

export interface LambdaHandlerOptions extends QcDepsOverrides {
  /** Where log lines go; default stderr (CloudWatch). */
  logDestination?: NodeJS.WritableStream;
}

/** Builds the handler from an environment: config, client, cached listing and the HTTP app, once. */
export function createLambdaHandler(env: Env = process.env, options: LambdaHandlerOptions = {}): LambdaHandler {
  const config = loadQcConfig(env);
  if (!config.MCP_API_KEY) {
    throw new ConfigError("MCP_API_KEY is not set: the Lambda needs the API key clients send (the value of the API Gateway key)");
  }
  const { logDestination, ...overrides } = options;
  const logger = createLogger("qc-mcp", { level: config.LOG_LEVEL, ...(logDestination !== undefined && { destination: logDestination }) });
  const app = createQcHttpApp(config, createQcDeps(config, logger, overrides), { apiKeys: [config.MCP_API_KEY] });
  return async (event) => {
    let request: Request;
    try {
      request = eventToRequest(event);
    } catch (error) {
      logger.warn({ err: error, path: event?.path }, "unreadable API Gateway event");
      return { statusCode: 400, headers: { "content-type": "application/json" }, body: '{"error":"BAD_REQUEST","message":"unreadable request"}', isBase64Encoded: false };
    }
    return responseToResult(await app.fetch(request));
  };
}

// Inside Lambda the handler is built during the init phase, so a bad variable fails the
// deployment's first start with one line naming it; elsewhere (tests, tools) on first use.
let built: LambdaHandler | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME ? createLambdaHandler() : undefined;

export const handler: LambdaHandler = (event) => (built ??= createLambdaHandler())(event);
