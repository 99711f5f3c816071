/** An agent's processing pipeline in process, over a ScenarioBroker, for tests. */
import type { Broker } from "../../../services/brokers/broker.js";
import { SignalProcessor } from "../../../services/agent/processor.js";
import { RiskGovernor } from "../../../services/agent/risk/governor.js";
import { RiskConfigSchema } from "../../../services/agent/risk/limits.js";
import { SignalRouter } from "../../../services/agent/router.js";
import type { SignalInput } from "../../../services/agent/signal.js";
import { MemoryAgentStore } from "../../../services/agent/store/memory-store.js";
import { MemoryStreams } from "../../../services/agent/streams/memory-streams.js";
import type { EventStreams } from "../../../services/agent/streams/event-streams.js";
import type { AgentStore } from "../../../services/agent/store/agent-store.js";
import type { OutcomeCommitter } from "../../../services/agent/store/outcome-commit.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../../services/shared/redis-keys.js";

export interface Harness {
  streams: EventStreams;
  store: AgentStore;
  governor: RiskGovernor;
  processor: SignalProcessor;
  clock: { now: number };
  /** Appends signals and processes everything new, returning the outcomes in order. */
  send(...signals: (SignalInput | string)[]): Promise<import("../../../services/agent/processor.js").ProcessedSignal[]>;
}

export async function createHarness(
  brokers: Broker[],
  risk: unknown = {},
  options: { streams?: EventStreams; store?: AgentStore; committer?: OutcomeCommitter } = {},
): Promise<Harness> {
  const clock = { now: Date.UTC(2026, 11, 3, 12) };
  const streams = options.streams ?? new MemoryStreams();
  const store = options.store ?? new MemoryAgentStore();
  const governor = new RiskGovernor(RiskConfigSchema.parse(risk), () => clock.now);
  const router = new SignalRouter(new Map(brokers.map((b) => [b.name, b])), governor, store, { now: () => clock.now, sleep: async () => undefined });
  const processor = new SignalProcessor(streams, store, router, () => clock.now, options.committer);
  await streams.ensureGroup(agentKeys.signals, AGENT_CONSUMER_GROUP);
  return {
    streams,
    store,
    governor,
    processor,
    clock,
    async send(...signals) {
      for (const signal of signals) await streams.append(agentKeys.signals, typeof signal === "string" ? signal : JSON.stringify(signal));
      const entries = await streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "test", { count: 10_000, blockMs: 0 });
      const results = [];
      for (const entry of entries) results.push(await processor.process(entry, false));
      return results;
    },
  };
}

let counter = 0;
/** A valid market signal for `broker`, created now. */
export function signal(clock: { now: number }, overrides: Partial<SignalInput> = {}): SignalInput {
  return { id: `sig-${++counter}`, strategy: "test", broker: "scenario", symbol: "EURUSD", side: "buy", quantity: 1, created_at: clock.now, ...overrides };
}
