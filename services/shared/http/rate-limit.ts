/**
 * Per-API-key rate limiting that counts calls, not HTTP requests: a JSON-RPC batch of five
 * `tools/call` costs five. Runs after authentication and after the body is read (see
 * mcp-request-info.ts), so only valid keys get a counter; counters are kept under a digest of
 * the key, never the key. A fixed window per key. Over the limit: 429 with Retry-After and the
 * draft-7 `RateLimit` headers; a refused request costs nothing.
 */
import type { MiddlewareHandler } from "hono";
import { presentedApiKey } from "./api-key-auth.js";
import { apiKeyId } from "./key-id.js";

export interface RateLimitOptions {
  /** Calls allowed per key in each window. */
  limit: number;
  /** Window length; default one minute. */
  windowMs?: number;
  /** Clock, for tests; default Date.now. */
  now?: () => number;
}

interface Window {
  startedAt: number;
  used: number;
}

/** Most keys tracked at once; windows past their end are swept first, so this only bounds a flood of keys. */
const MAX_TRACKED_KEYS = 10_000;

export function apiKeyRateLimit(options: RateLimitOptions): MiddlewareHandler {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  function windowFor(key: string, at: number): Window {
    let window = windows.get(key);
    if (!window || at - window.startedAt >= windowMs) {
      if (!window && windows.size >= MAX_TRACKED_KEYS) {
        for (const [k, w] of windows) if (at - w.startedAt >= windowMs) windows.delete(k);
      }
      window = { startedAt: at, used: 0 };
      windows.set(key, window);
    }
    return window;
  }

  return async (c, next) => {
    const at = now();
    const window = windowFor(apiKeyId(presentedApiKey(c.req.raw.headers) ?? ""), at);
    const calls = c.get("mcpRequest")?.calls ?? 1;
    const resetS = Math.max(1, Math.ceil((window.startedAt + windowMs - at) / 1000));
    c.header("RateLimit-Policy", `${options.limit};w=${Math.round(windowMs / 1000)}`);
    if (window.used + calls > options.limit) {
      c.header("RateLimit", `limit=${options.limit}, remaining=${Math.max(0, options.limit - window.used)}, reset=${resetS}`);
      c.header("Retry-After", String(resetS));
      const batch = calls > 1 ? ` (this request carries ${calls})` : "";
      return c.json(
        {
          error: "RATE_LIMITED",
          message:
            `more than ${options.limit} calls in ${Math.round(windowMs / 1000)} s with this API key${batch}: ` +
            `retry after ${resetS} s`,
        },
        429,
      );
    }
    window.used += calls;
    c.header("RateLimit", `limit=${options.limit}, remaining=${options.limit - window.used}, reset=${resetS}`);
    await next();
  };
}
