/**
 * The agent's HTTP app on port 8080: `/healthz` (alive), `/readyz` (Redis and every enabled
 * broker answer), `/metrics` (Prometheus, behind the API key like `/mcp`) and `/mcp`.
 */
import type { Hono } from "hono";
import { apiKeyAuth } from "../shared/http/api-key-auth.js";
import { createHttpApp } from "../shared/http/create-http-app.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../shared/redis-keys.js";
import type { AgentDeps } from "./deps.js";
import { createAgentMcpServer } from "./server.js";

/** Longest a readiness probe waits for Redis and the brokers. */
const READY_TIMEOUT_MS = 2000;

export function createAgentHttpApp(deps: AgentDeps, apiKeys: readonly string[]): Hono {
  const app = createHttpApp({
    createMcpServer: () => createAgentMcpServer(deps),
    apiKeys,
    corsOrigins: deps.config.MCP_CORS_ORIGINS,
    rateLimitPerMinute: deps.config.MCP_RATE_LIMIT_PER_MINUTE,
    logger: deps.logger,
  });

  app.get("/readyz", async (c) => {
    const checks = await withTimeout(readiness(deps), READY_TIMEOUT_MS);
    const ready = checks !== undefined && Object.values(checks).every(Boolean);
    // Which dependency is down is for operators: names only, no addresses or errors.
    return c.json({ status: ready ? "ready" : "not_ready", checks: checks ?? { timeout: false } }, ready ? 200 : 503);
  });

  app.get("/metrics", apiKeyAuth(apiKeys), async (c) => {
    deps.metrics.killSwitch.set((await deps.store.isKillSwitchOn().catch(() => false)) ? 1 : 0);
    return c.body(await deps.metrics.registry.metrics(), 200, { "content-type": deps.metrics.registry.contentType });
  });
  return app;
}

async function readiness(deps: AgentDeps): Promise<Record<string, boolean>> {
  const redis = deps.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP).then(
    () => true,
    () => false,
  );
  const brokers = [...deps.brokers.values()].map(async (b) => [`broker:${b.name}`, (await b.health()).reachable] as const);
  return Object.fromEntries([["streams", await redis] as const, ...(await Promise.all(brokers))]);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
