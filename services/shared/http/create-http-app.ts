/**
 * The HTTP app every QuantMind MCP service serves: `/healthz` (open) and `/mcp` (API key,
 * CORS, body-size limit). Its `fetch` is the one `(Request) => Promise<Response>` handler
 * that the Node server and the Lambda adapter both wrap.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Logger } from "pino";
import { mcpMethodNotAllowed, mcpPostHandler, MCP_ALLOWED_METHODS, type McpServerFactory } from "../mcp/http-route.js";
import { apiKeyAuth } from "./api-key-auth.js";

export interface HttpAppOptions {
  /** Builds a fresh MCP server per request. */
  createMcpServer: McpServerFactory;
  /** Accepted API keys; at least one. */
  apiKeys: readonly string[];
  /** Largest accepted request body in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Origins allowed by CORS; default `*` (keys travel in headers, never cookies). */
  corsOrigins?: string[];
  /** Middleware for authenticated `POST /mcp` requests, run before the body is read (e.g. rate limits). */
  afterAuth?: MiddlewareHandler[];
  /** Reports `/healthz` details; default `{ status: "ok" }`. */
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  logger?: Logger;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();
  const corsOrigins = options.corsOrigins ?? ["*"];

  app.onError((error, c) => {
    options.logger?.error({ err: error, path: c.req.path }, "unhandled error in HTTP handler");
    return c.json({ error: "INTERNAL", message: "internal error" }, 500);
  });

  app.get("/healthz", async (c) => c.json({ status: "ok", ...(await options.health?.()) }));

  app.use(
    "/mcp",
    cors({
      origin: corsOrigins.includes("*") ? "*" : corsOrigins,
      allowMethods: MCP_ALLOWED_METHODS.split(", "),
      allowHeaders: ["Content-Type", "Authorization", "x-api-key", "mcp-protocol-version", "mcp-session-id", "last-event-id"],
      exposeHeaders: ["mcp-session-id", "mcp-protocol-version"],
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
    mcpPostHandler(options.createMcpServer),
  );
  return app;
}
