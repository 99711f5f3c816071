/**
 * The agent's edge: reads its configuration once, opens the brokers and the streams, reconciles,
 * starts the signal loop and the HTTP server on 8080, and returns the function that stops them
 * in order (stop reading, finish the signal in hand, close HTTP, close brokers and Redis). A Redis
 * that does not answer at start leaves the agent up and unready, logging why, until it does.
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
  const deps = await createAgentDeps(config, logger, brokers, risk, { deferBackend: true });
  let stopping = false;
  let server: McpHttpServer | undefined;
  let trading: Promise<void> = Promise.resolve();
  try {
    // Redis answering at start: signals are read before HTTP says the agent is up, as before.
    // Not answering (down, or a wrong password): HTTP comes up anyway, /readyz answers 503 and the
    // log says why, while the agent keeps trying; exiting would only restart it in a loop.
    const first = await deps.backendReady(BACKEND_FIRST_WAIT_MS).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (first === undefined) await startTrading(deps);
    else {
      logger.error({ err: first }, "Redis does not answer: not reading signals; /readyz answers 503 until it does");
      trading = startTradingWhenReady(deps, logger, () => stopping);
    }
    server = await serveMcpHttp({
      config,
      createApp: (keys) => createAgentHttpApp(deps, keys),
      title: "strategy agent",
      logger,
      details: { brokers: [...brokers.keys()], backend: config.REDIS_URL === undefined ? "in-process" : "redis", tradingOverMcp: config.AGENT_MCP_TRADING },
    });
  } catch (error) {
    stopping = true;
    await deps.loop.stop();
    await deps.close();
    await trading;
    throw error;
  }
  const reconciling = setInterval(() => void deps.reconcileNow(), config.AGENT_RECONCILE_MS);
  reconciling.unref();
  const running = server;
  return {
    deps,
    server: running,
    async stop() {
      stopping = true;
      clearInterval(reconciling);
      await deps.loop.stop();
      await running.close();
      await deps.close();
      await trading;
      logger.info({ processed: deps.loop.processedCount }, "strategy agent stopped");
    },
  };
}

/** How long start-up waits for Redis before serving HTTP unready; then each retry's wait. */
const BACKEND_FIRST_WAIT_MS = 5000;
const BACKEND_RETRY_WAIT_MS = 2000;
/** While Redis stays away, its reason is logged again this often (not on every retry). */
const BACKEND_REPORT_EVERY_MS = 60_000;

async function startTrading(deps: AgentDeps): Promise<void> {
  await deps.reconcileNow();
  await deps.loop.start();
}

/** Retries until Redis answers and the loop has started, or the agent stops. */
async function startTradingWhenReady(deps: AgentDeps, logger: Logger, stopped: () => boolean): Promise<void> {
  let reported = Date.now();
  while (!stopped()) {
    try {
      await deps.backendReady(BACKEND_RETRY_WAIT_MS);
      if (stopped()) return;
      await startTrading(deps);
      logger.info("Redis answers: reading signals");
      return;
    } catch (error) {
      if (stopped()) return;
      // Redis may answer while the loop cannot start (e.g. a key of the wrong type): don't spin.
      await new Promise((resolve) => setTimeout(resolve, BACKEND_RETRY_WAIT_MS / 2));
      if (Date.now() - reported >= BACKEND_REPORT_EVERY_MS) {
        reported = Date.now();
        logger.error({ err: error }, "Redis still does not answer: not reading signals");
      }
    }
  }
}
