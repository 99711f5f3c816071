/**
 * The HTTP app every QuantMind MCP service serves: `/healthz` (status open to all, details
 * behind the key) and `/mcp` (API key, CORS, body-size limit, batch bound, optional per-call rate
 * limit and admission). Every request leaves one access-log line. Its `fetch` is the one
 * `(Request) => Promise<Response>` handler that the Node server and the Lambda adapter both wrap.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Logger } from "pino";
import { mcpMethodNotAllowed, mcpPostHandler, MCP_ALLOWED_METHODS, type McpServerFactory } from "../mcp/http-route.js";
import { apiKeyAuth, apiKeyMatches, presentedApiKey } from "./api-key-auth.js";
import { DEFAULT_MAX_BATCH_MESSAGES, readMcpBody, type McpRequestInfo } from "./mcp-request-info.js";
import { apiKeyRateLimit } from "./rate-limit.js";

/**
 * Decides whether an authenticated request may run now. Returns a Response to refuse it (e.g.
 * 503 when a work queue is full), or a function called once the request has finished (to free
 * what was reserved), or undefined.
 */
export type McpAdmission = (info: McpRequestInfo, c: Context) => Response | (() => void) | undefined;

export interface HttpAppOptions {
  /** Builds a fresh MCP server per request. */
  createMcpServer: McpServerFactory;
  /** Accepted API keys; at least one. */
  apiKeys: readonly string[];
  /** Largest accepted request body in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Largest JSON-RPC batch in one request; default 10. */
  maxBatchMessages?: number;
  /** Calls (JSON-RPC requests, a batch counting each) per key per minute; 0 or undefined: no limit. */
  rateLimitPerMinute?: number;
  /** Run on each authenticated, rate-limited request before the MCP server sees it. */
  admit?: McpAdmission;
  /** Origins allowed by CORS; default `*` (keys travel in headers, never cookies). */
  corsOrigins?: string[];
  /** Middleware for authenticated `POST /mcp` requests, run before the body is read. */
  afterAuth?: MiddlewareHandler[];
  /** `/healthz` details, shown only to a caller presenting a valid key; anyone else gets the status. */
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Gets the access log (info) and handler errors. */
  logger?: Logger;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();
  const corsOrigins = options.corsOrigins ?? ["*"];

  if (options.logger) app.use("*", accessLog(options.logger));

  app.onError((error, c) => {
    options.logger?.error({ err: error, path: c.req.path }, "unhandled error in HTTP handler");
    return c.json({ error: "INTERNAL", message: "internal error" }, 500);
  });

  app.get("/healthz", async (c) => {
    // Tool counts and flags describe the deployment: only a caller holding a key learns them.
    const presented = presentedApiKey(c.req.raw.headers);
    const trusted = presented !== undefined && apiKeyMatches(presented, options.apiKeys);
    return c.json({ status: "ok", ...(trusted && (await options.health?.())) });
  });

  app.use(
    "/mcp",
    cors({
      origin: corsOrigins.includes("*") ? "*" : corsOrigins,
      allowMethods: MCP_ALLOWED_METHODS.split(", "),
      allowHeaders: ["Content-Type", "Authorization", "x-api-key", "mcp-protocol-version", "mcp-session-id", "last-event-id"],
      exposeHeaders: ["mcp-session-id", "mcp-protocol-version", "RateLimit", "RateLimit-Policy", "Retry-After"],
      maxAge: 600,
    }),
  );
  app.on(["GET", "DELETE", "PUT", "PATCH"], "/mcp", mcpMethodNotAllowed);
  app.post(
    "/mcp",
    apiKeyAuth(options.apiKeys),
    ...(options.afterAuth ?? []),
    bodyLimit({
      maxSize: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      onError: (c) => c.json({ error: "PAYLOAD_TOO_LARGE", message: "request body too large" }, 413),
    }),
    readMcpBody(options.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES),
    ...(options.rateLimitPerMinute ? [apiKeyRateLimit({ limit: options.rateLimitPerMinute })] : []),
    ...(options.admit ? [admission(options.admit)] : []),
    mcpPostHandler(options.createMcpServer),
  );
  return app;
}

function admission(admit: McpAdmission): MiddlewareHandler {
  return async (c, next) => {
    const decision = admit(c.get("mcpRequest"), c);
    if (decision instanceof Response) return decision;
    try {
      await next();
    } finally {
      decision?.();
    }
  };
}

/**
 * One line per request: method, path, status, duration, the MCP methods and tool names, the
 * number of calls, and the short id of the key (never the key, headers or body).
 */
function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const mcp = c.get("mcpRequest") as McpRequestInfo | undefined;
      logger.info(
        {
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ...(mcp && { rpc: mcp.methods.join(","), calls: mcp.calls }),
          ...(mcp && mcp.tools.length > 0 && { tool: mcp.tools.join(",") }),
          key: (c.get("apiKeyId") as string | undefined) ?? (presentedApiKey(c.req.raw.headers) === undefined ? "none" : "refused"),
        },
        "request",
      );
    }
  };
}
