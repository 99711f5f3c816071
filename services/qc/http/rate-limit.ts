/**
 * Per-API-key rate limiting for the local HTTP server (on aws, API Gateway's usage plan does
 * it). Runs after authentication, so only valid keys get a counter; counters are kept under the
 * key's SHA-256, never the key itself. Over the limit: 429 with Retry-After and the draft-7
 * `RateLimit` headers.
 */
import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import { presentedApiKey } from "../../shared/http/api-key-auth.js";

export interface RateLimitOptions {
  /** Requests allowed per key in each window. */
  limit: number;
  /** Window length; default one minute. */
  windowMs?: number;
}

export function apiKeyRateLimit(options: RateLimitOptions): MiddlewareHandler {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimiter({
    windowMs,
    limit: options.limit,
    standardHeaders: "draft-7",
    keyGenerator: (c) => createHash("sha256").update(presentedApiKey(c.req.raw.headers) ?? "").digest("base64url"),
    handler: (c) => {
      const info = c.get("rateLimit") as { resetTime?: Date } | undefined;
      const resetMs = info?.resetTime ? info.resetTime.getTime() - Date.now() : windowMs;
      const retryAfter = String(Math.max(1, Math.ceil(resetMs / 1000)));
      c.header("Retry-After", retryAfter);
      return c.json(
        {
          error: "RATE_LIMITED",
          message: `more than ${options.limit} requests in ${Math.round(windowMs / 1000)} s with this API key: retry after ${retryAfter} s`,
        },
        429,
      );
    },
  });
}
