/**
 * The agent's edge: reads its configuration once, opens the brokers and the streams, reconciles,
 * starts the signal loop and the HTTP server on 8080, and returns the function that stops them
 * in order (stop reading, finish the signal in hand, close HTTP, close brokers and Redis).
 */
import type { Broker } from "../brokers/broker.js";
import { serveMcpHttp, type McpHttpServer } from "../shared/http/serve-mcp-http.js";
import type { Logger } from "../shared/logger.js";
import type { AgentConfig } from "./config.js";
import { createAgentDeps, type AgentDeps } from "./deps.js";
import { createAgentHttpApp } from "./http-app.js";
import { loadRiskConfig } from "./risk/load-risk-config.js";

export interface RunningAgent {
  deps: AgentDeps;
  server: McpHttpServer;
  stop(): Promise<void>;
}

export async function runAgent(config: AgentConfig, logger: Logger, brokers: ReadonlyMap<string, Broker>): Promise<RunningAgent> {
  const risk = loadRiskConfig(config.AGENT_RISK_CONFIG);
  await Promise.all([...brokers.values()].map((broker) => broker.connect().catch((error: unknown) => logger.warn({ broker: broker.name, err: error }, "broker not reachable at start; orders to it fail until it is"))));
  const deps = await createAgentDeps(config, logger, brokers, risk);
  let server: McpHttpServer | undefined;
  try {
    await deps.reconcileNow();
    await deps.loop.start();
    server = await serveMcpHttp({
      config,
      createApp: (keys) => createAgentHttpApp(deps, keys),
      title: "strategy agent",
      logger,
      details: { brokers: [...brokers.keys()], backend: config.REDIS_URL === undefined ? "in-process" : "redis", tradingOverMcp: config.AGENT_MCP_TRADING },
    });
  } catch (error) {
    await deps.loop.stop();
    await deps.close();
    throw error;
  }
  const reconciling = setInterval(() => void deps.reconcileNow(), config.AGENT_RECONCILE_MS);
  reconciling.unref();
  const running = server;
  return {
    deps,
    server: running,
    async stop() {
      clearInterval(reconciling);
      await deps.loop.stop();
      await running.close();
      await deps.close();
      logger.info({ processed: deps.loop.processedCount }, "strategy agent stopped");
    },
  };
}
