/**
 * The knowledge base's HTTP app: the shared MCP app with what keeps one client from stalling the
 * others. A per-key rate limit counting each call, and a bound on queued searches: a request
 * whose searches do not fit gets 503 with Retry-After instead of queueing seconds of model work.
 * Query embedding itself runs in a worker thread (see create-embedder.ts), so `/healthz` and
 * cheap calls such as `kb_stats` answer while searches run.
 */
import type { Hono } from "hono";
import { createHttpApp } from "../shared/http/create-http-app.js";
import type { KbConfig } from "./config.js";
import type { KbDeps } from "./deps.js";
import { createSearchQueue, type SearchQueue } from "./search-queue.js";
import { createKbServer } from "./server.js";

export interface KbHttpAppOptions {
  apiKeys: readonly string[];
  /** Default: a queue of KB_MAX_QUEUED_SEARCHES places. */
  searchQueue?: SearchQueue;
}

/** Seconds a refused client is asked to wait: a queue of searches drains in well under that. */
const BUSY_RETRY_AFTER_S = 1;

export function createKbHttpApp(
  config: Pick<KbConfig, "MCP_CORS_ORIGINS" | "MCP_RATE_LIMIT_PER_MINUTE" | "KB_MAX_QUEUED_SEARCHES">,
  deps: KbDeps,
  options: KbHttpAppOptions,
): Hono {
  const queue = options.searchQueue ?? createSearchQueue(config.KB_MAX_QUEUED_SEARCHES);
  return createHttpApp({
    createMcpServer: () => createKbServer(deps),
    apiKeys: options.apiKeys,
    corsOrigins: config.MCP_CORS_ORIGINS,
    ...(config.MCP_RATE_LIMIT_PER_MINUTE > 0 && { rateLimitPerMinute: config.MCP_RATE_LIMIT_PER_MINUTE }),
    admit: (info, c) => {
      const searches = info.toolCalls.get("search_knowledge_base") ?? 0;
      if (searches === 0) return undefined;
      if (!queue.tryReserve(searches)) {
        c.header("Retry-After", String(BUSY_RETRY_AFTER_S));
        return c.json(
          {
            error: "BUSY",
            message: `${queue.pending} searches are already queued (at most ${queue.capacity}): retry after ${BUSY_RETRY_AFTER_S} s`,
          },
          503,
        );
      }
      return () => queue.release(searches);
    },
    ...(deps.logger !== undefined && { logger: deps.logger }),
    health: () => ({ service: "kb", queuedSearches: queue.pending }),
  });
}
