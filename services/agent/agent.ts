/**
 * The strategy agent's loop: take over entries a crashed agent left pending, read new signals,
 * process them one at a time (orders for one symbol must follow each other), beat the heartbeat,
 * and stop cleanly: on stop() it reads nothing more, finishes the entry in hand, and returns.
 */
import { hostname } from "node:os";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../shared/redis-keys.js";
import type { Logger } from "../shared/logger.js";
import type { ProcessedSignal, SignalProcessor } from "./processor.js";
import type { AgentStore } from "./store/agent-store.js";
import type { EventStreams, StreamEntry } from "./streams/event-streams.js";

export interface AgentLoopOptions {
  /** This agent's consumer name in the group; default `<hostname>-<pid>`. */
  agentId?: string;
  /** Signals read per round; default 100. */
  batchSize?: number;
  /** Longest wait for new signals per round; default 1 s (also how fast stop() is noticed). */
  blockMs?: number;
  /** Pending entries idle this long are taken over; default 30 s. */
  claimIdleMs?: number;
  /** How often to look for them; default 5 s. */
  claimEveryMs?: number;
  /** Heartbeat period; the key lives three periods. Default 10 s. */
  heartbeatMs?: number;
  /** Called after each processed entry (metrics, tests). */
  onProcessed?: (result: ProcessedSignal, entry: StreamEntry, latencyMs: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AgentLoop {
  readonly agentId: string;
  private stopping = false;
  private running: Promise<void> | undefined;
  private processed = 0;
  private readonly options: Required<Omit<AgentLoopOptions, "onProcessed" | "agentId">> & Pick<AgentLoopOptions, "onProcessed">;

  constructor(
    private readonly streams: EventStreams,
    private readonly store: AgentStore,
    private readonly processor: SignalProcessor,
    private readonly logger: Logger,
    options: AgentLoopOptions = {},
  ) {
    this.agentId = options.agentId ?? `${hostname()}-${process.pid}`;
    this.options = {
      batchSize: options.batchSize ?? 100,
      blockMs: options.blockMs ?? 1000,
      claimIdleMs: options.claimIdleMs ?? 30_000,
      claimEveryMs: options.claimEveryMs ?? 5000,
      heartbeatMs: options.heartbeatMs ?? 10_000,
      onProcessed: options.onProcessed,
    };
  }

  /** Joins the consumer group and starts the loop; resolves once reading has begun. */
  async start(): Promise<void> {
    await this.streams.ensureGroup(agentKeys.signals, AGENT_CONSUMER_GROUP);
    await this.beat();
    this.running = this.run();
  }

  /** Reads nothing more, finishes the entry in hand, acknowledges it, and resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  get processedCount(): number {
    return this.processed;
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    let lastBeat = Date.now();
    let failures = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastClaim >= this.options.claimEveryMs) {
          lastClaim = Date.now();
          const claimed = await this.streams.claimStale(agentKeys.signals, AGENT_CONSUMER_GROUP, this.agentId, { minIdleMs: this.options.claimIdleMs, count: this.options.batchSize });
          if (claimed.length > 0) this.logger.warn({ count: claimed.length }, "took over signals left pending by a stopped agent");
          await this.handle(claimed, true);
        }
        if (Date.now() - lastBeat >= this.options.heartbeatMs) {
          lastBeat = Date.now();
          await this.beat();
        }
        if (this.stopping) break;
        const entries = await this.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, this.agentId, {
          count: this.options.batchSize,
          blockMs: this.options.blockMs,
        });
        await this.handle(entries, false);
        failures = 0;
      } catch (error) {
        failures++;
        const waitMs = Math.min(100 * 2 ** Math.min(failures, 5), 3000);
        this.logger.error({ err: error, retryInMs: waitMs }, "signal loop failed; the entry stays pending and is read again");
        await sleep(waitMs);
        // Entries this agent holds but could not finish are taken up again by the next claim.
        lastClaim = 0;
      }
    }
  }

  private async handle(entries: StreamEntry[], redelivered: boolean): Promise<void> {
    for (const [i, entry] of entries.entries()) {
      // After stop(), entries already read stay pending: the next agent claims them.
      if (this.stopping) return;
      const started = performance.now();
      // The next entry's state is read with this one's commit: one round trip per signal.
      const result = await this.processor.process(entry, redelivered, entries[i + 1]);
      this.processed++;
      this.options.onProcessed?.(result, entry, performance.now() - started);
    }
  }

  private beat(): Promise<void> {
    const payload = JSON.stringify({ agent: this.agentId, at: Date.now(), processed: this.processed });
    return this.store.heartbeat(this.agentId, payload, this.options.heartbeatMs * 3);
  }
}
