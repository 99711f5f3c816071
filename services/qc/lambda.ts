/**
 * The Lambda entry point (handler `handler`) behind an API Gateway REST API: each proxy event
 * becomes a web `Request` for the same app the local HTTP server serves, and its `Response`
 * goes back as the proxy result. POST /mcp answers MCP, GET /mcp 405 with Allow, OPTIONS the
 * CORS preflight; API Gateway's usage plan does the rate limiting, the app checks the key too.
 */
import type { Hono } from "hono";
import type { Env } from "../shared/config.js";
import { ConfigError } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import { loadQcConfig } from "./config.js";
import { eventToRequest, responseToResult, type ApiGatewayProxyEvent, type ApiGatewayProxyResult } from "./lambda/api-gateway.js";
import { createQcDeps, createQcHttpApp, type QcDepsOverrides } from "./app.js";
import { readSecretApiKey } from "./client/credentials.js";
import { secretsManagerReader } from "./client/secrets-manager.js";

export type { ApiGatewayProxyEvent, ApiGatewayProxyResult };
export type LambdaHandler = (event: ApiGatewayProxyEvent) => Promise<ApiGatewayProxyResult>;

export interface LambdaHandlerOptions extends QcDepsOverrides {
  /** Where log lines go; default stderr (CloudWatch). */
  logDestination?: NodeJS.WritableStream;
}

/**
 * Builds the handler from an environment: config, client, cached listing and the HTTP app, once.
 * The API key is MCP_API_KEY or, when that is unset, the value of the MCP_API_KEY_ARN secret.
 */
export function createLambdaHandler(env: Env = process.env, options: LambdaHandlerOptions = {}): LambdaHandler {
  const config = loadQcConfig(env);
  const keySecret = config.MCP_API_KEY_ARN;
  if (!config.MCP_API_KEY && keySecret === undefined) {
    throw new ConfigError(
      "MCP_API_KEY is not set: the Lambda needs the API key clients send (the value of the API Gateway key), " +
        "as MCP_API_KEY or as the secret MCP_API_KEY_ARN names",
    );
  }
  const { logDestination, ...overrides } = options;
  const logger = createLogger("qc-mcp", { level: config.LOG_LEVEL, ...(logDestination !== undefined && { destination: logDestination }) });
  const readSecret = overrides.readSecret ?? secretsManagerReader();
  const deps = createQcDeps(config, logger, { ...overrides, readSecret });
  const buildApp = async (): Promise<Hono> => {
    const apiKey = config.MCP_API_KEY ?? (await readSecretApiKey(readSecret, keySecret!));
    return createQcHttpApp(config, deps, { apiKeys: [apiKey] });
  };
  const start = () => {
    const building = buildApp();
    building.catch((error: unknown) => logger.error({ err: error }, "the MCP API key could not be read; requests are refused until it can"));
    return building;
  };
  let app: Promise<Hono> | undefined = start();

  return async (event) => {
    let ready: Hono;
    try {
      ready = await (app ??= start());
    } catch {
      app = undefined; // read again on the next request: a transient failure should not outlive this one
      return jsonResult(503, { error: "UNAVAILABLE", message: "the server cannot read its API key yet; the function's log says why" });
    }
    let request: Request;
    try {
      request = eventToRequest(event);
    } catch (error) {
      logger.warn({ err: error, path: event?.path }, "unreadable API Gateway event");
      return jsonResult(400, { error: "BAD_REQUEST", message: "unreadable request" });
    }
    return responseToResult(await ready.fetch(request));
  };
}

function jsonResult(statusCode: number, body: Record<string, string>): ApiGatewayProxyResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body), isBase64Encoded: false };
}

// Inside Lambda the handler is built during the init phase, so a bad variable fails the
// deployment's first start with one line naming it; elsewhere (tests, tools) on first use.
let built: LambdaHandler | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME ? createLambdaHandler() : undefined;

export const handler: LambdaHandler = (event) => (built ??= createLambdaHandler())(event);
