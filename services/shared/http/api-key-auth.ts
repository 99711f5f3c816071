/**
 * API-key authentication middleware: accepts the key as `x-api-key` or `Authorization: Bearer`.
 * Keys are compared in constant time (over their SHA-256 digests, so length leaks nothing either).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { apiKeyId } from "./key-id.js";

declare module "hono" {
  interface ContextVariableMap {
    /** The accepted key's short id (see key-id.ts), for the access log; set once authenticated. */
    apiKeyId: string;
  }
}

/** Reads the presented key from either supported header; undefined when neither is present. */
export function presentedApiKey(headers: Headers): string | undefined {
  const direct = headers.get("x-api-key");
  if (direct) return direct;
  const authorization = headers.get("authorization");
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

/** True when `presented` equals one of `accepted`; every candidate is compared, in constant time. */
export function apiKeyMatches(presented: string, accepted: readonly string[]): boolean {
  const presentedDigest = sha256(presented);
  let matched = false;
  for (const key of accepted) {
    matched = timingSafeEqual(presentedDigest, sha256(key)) || matched;
  }
  return matched;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * Rejects requests without a valid key with 401 and a JSON body that says how to authenticate.
 * More than one key may be accepted at once, so a key can be rotated without downtime.
 */
export function apiKeyAuth(acceptedKeys: readonly string[]): MiddlewareHandler {
  if (acceptedKeys.length === 0 || acceptedKeys.some((key) => key.length === 0)) {
    throw new Error("apiKeyAuth needs at least one non-empty API key");
  }
  return async (c, next) => {
    const presented = presentedApiKey(c.req.raw.headers);
    if (presented === undefined || !apiKeyMatches(presented, acceptedKeys)) {
      c.header("WWW-Authenticate", 'Bearer realm="quantmind"');
      return c.json(
        {
          error: "UNAUTHORIZED",
          message: presented === undefined
            ? "missing API key: send it as x-api-key or Authorization: Bearer <key>"
            : "invalid API key",
        },
        401,
      );
    }
    c.set("apiKeyId", apiKeyId(presented));
    await next();
  };
}
