/**
 * Everything the agent's loop, HTTP endpoints and MCP tools share, built once at start-up from
 * the parsed configuration: the streams and store (Redis or in process), the brokers, the risk
 * governor, the metrics, and the last reconciliation.
 */
import type { Broker } from "../brokers/broker.js";
import type { Logger } from "../shared/logger.js";
import { AgentLoop, type AgentLoopOptions } from "./agent.js";
import type { AgentConfig } from "./config.js";
import { AgentMetrics, entryTimeMs } from "./metrics.js";
import type { SignalOutcome } from "./outcome.js";
import { SignalProcessor } from "./processor.js";
import { reconcile, type BrokerSnapshot } from "./reconcile.js";
import { RiskGovernor } from "./risk/governor.js";
import type { RiskConfig } from "./risk/limits.js";
import { SignalRouter } from "./router.js";
import type { Signal } from "./signal.js";
import { submitSignal } from "./submit-signal.js";
import type { AgentStore } from "./store/agent-store.js";
import { MemoryAgentStore } from "./store/memory-store.js";
import type { OutcomeCommitter } from "./store/outcome-commit.js";
import { RedisAgentStore } from "./store/redis-store.js";
import type { EventStreams } from "./streams/event-streams.js";
import { MemoryStreams } from "./streams/memory-streams.js";
import { RedisStreams } from "./streams/redis-streams.js";

export interface AgentDeps {
  config: AgentConfig;
  logger: Logger;
  streams: EventStreams;
  store: AgentStore;
  brokers: ReadonlyMap<string, Broker>;
  risk: RiskConfig;
  governor: RiskGovernor;
  metrics: AgentMetrics;
  loop: AgentLoop;
  /** The last reconciliation with every broker. */
  snapshot(): BrokerSnapshot[];
  /** Reads positions and equity back from every broker now. */
  reconcileNow(): Promise<BrokerSnapshot[]>;
  /** Resolves once Redis answers (at once with in-process streams); STREAM_UNAVAILABLE with the reason after `timeoutMs`. */
  backendReady(timeoutMs: number): Promise<void>;
  /** Appends a signal to the stream and waits up to `waitMs` for its recorded outcome. */
  submitSignal(signal: Signal, waitMs: number): Promise<SignalOutcome | undefined>;
  close(): Promise<void>;
}

export interface AgentDepsOptions {
  /** Called after each processed signal, after the metrics (benchmarks, tests). */
  onProcessed?: AgentLoopOptions["onProcessed"];
  /**
   * Return before Redis answers (the caller waits with `backendReady`) instead of rejecting when
   * it does not within 5 s; default false. `serve agent` uses it to stay up and unready, saying
   * why, rather than exit and be restarted in a loop that hides the reason.
   */
  deferBackend?: boolean;
}

export async function createAgentDeps(
  config: AgentConfig,
  logger: Logger,
  brokers: ReadonlyMap<string, Broker>,
  risk: RiskConfig,
  options: AgentDepsOptions = {},
): Promise<AgentDeps> {
  let streams: EventStreams;
  let store: AgentStore;
  let backendReady: (timeoutMs: number) => Promise<void> = async () => {};
  let committer: OutcomeCommitter | undefined;
  if (config.REDIS_URL !== undefined) {
    const redisStreams = new RedisStreams({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
    const redisStore = new RedisAgentStore({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
    streams = redisStreams;
    store = redisStore;
    // One script per signal records, publishes and acknowledges (instead of three round trips).
    committer = redisStore;
    // The streams first: their error says why (WRONGPASS, ECONNREFUSED) when Redis does not answer.
    backendReady = async (timeoutMs) => {
      await redisStreams.ready(timeoutMs);
      await redisStore.ready(timeoutMs);
    };
    if (options.deferBackend !== true) {
      await backendReady(5000).catch(async (error: unknown) => {
        await Promise.all([streams.close(), store.close()]);
        throw error;
      });
    }
  } else {
    streams = new MemoryStreams();
    store = new MemoryAgentStore();
  }
  const metrics = new AgentMetrics();
  const governor = new RiskGovernor(risk);
  const router = new SignalRouter(brokers, governor, store);
  const processor = new SignalProcessor(streams, store, router, Date.now, committer);
  const loop = new AgentLoop(streams, store, processor, logger, {
    agentId: config.AGENT_ID,
    claimIdleMs: config.AGENT_CLAIM_IDLE_MS,
    heartbeatMs: config.AGENT_HEARTBEAT_MS,
    onProcessed: (result, entry, latencyMs) => {
      // A signal sent again (same id) gets its recorded outcome back; it is not a second order.
      if (result.first) metrics.record(result.outcome, entryTimeMs(entry.id));
      options.onProcessed?.(result, entry, latencyMs);
    },
  });
  let snapshot: BrokerSnapshot[] = [];
  const reconcileNow = async () => (snapshot = await reconcile(brokers, store, metrics, logger));

  return {
    config,
    logger,
    streams,
    store,
    brokers,
    risk,
    governor,
    metrics,
    loop,
    snapshot: () => snapshot,
    reconcileNow,
    backendReady,
    submitSignal: (signal, waitMs) => submitSignal(streams, store, signal, waitMs),
    async close() {
      await Promise.allSettled([...brokers.values()].map((broker) => broker.close()));
      await Promise.all([streams.close(), store.close()]);
    },
  };
}
