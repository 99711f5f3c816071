/**
 * One signal stream entry, start to end: parse, route, record the outcome once, publish it, and
 * only then acknowledge. A crash anywhere before the acknowledgement leaves the entry pending; the
 * agent that takes it over finds the recorded outcome (or asks the broker for the order), so a
 * signal never gets two outcomes nor two orders.
 */
import { AGENT_CONSUMER_GROUP, agentKeys } from "../shared/redis-keys.js";
import { AgentError } from "./errors.js";
import type { SignalOutcome } from "./outcome.js";
import type { SignalRouter } from "./router.js";
import { parseSignal } from "./signal.js";
import type { AgentStore } from "./store/agent-store.js";
import type { EventStreams, StreamEntry } from "./streams/event-streams.js";

/** Events kept on the event stream (Redis trims whole nodes, so a few more may stay). */
export const EVENTS_MAX_LEN = 10_000;

export interface ProcessedSignal {
  outcome: SignalOutcome;
  /** False when an earlier delivery had already recorded this outcome. */
  first: boolean;
}

export class SignalProcessor {
  constructor(
    private readonly streams: EventStreams,
    private readonly store: AgentStore,
    private readonly router: SignalRouter,
    private readonly now: () => number = Date.now,
  ) {}

  /** Processes and acknowledges one entry; throws (leaving it pending) when the outcome is unknown. */
  async process(entry: StreamEntry, redelivered: boolean): Promise<ProcessedSignal> {
    let outcome: SignalOutcome;
    // Entries without a parsable id are recorded under their stream id ("!" is never in a signal id).
    let recordId = `!entry-${entry.id}`;
    try {
      const signal = parseSignal(entry.payload);
      recordId = signal.id;
      const recorded = await this.store.getOutcome(signal.id);
      if (recorded !== undefined) {
        await this.ack(entry);
        return { outcome: JSON.parse(recorded) as SignalOutcome, first: false };
      }
      outcome = await this.router.route(signal, redelivered);
    } catch (error) {
      if (!(error instanceof AgentError) || error.code !== "SIGNAL_INVALID") throw error;
      outcome = { status: "dead_letter", code: error.code, reason: error.message };
    }

    const serialised = JSON.stringify(outcome);
    const first = await this.store.recordOutcome(recordId, serialised);
    if (!first) {
      // Another agent recorded this signal's outcome meanwhile: report that one, publish nothing.
      const recorded = await this.store.getOutcome(recordId);
      await this.ack(entry);
      return { outcome: recorded === undefined ? outcome : (JSON.parse(recorded) as SignalOutcome), first: false };
    }
    const event = JSON.stringify({ type: eventType(outcome), at: this.now(), ...outcome });
    if (outcome.status === "dead_letter") {
      await this.streams.append(agentKeys.deadLetter, JSON.stringify({ entry_id: entry.id, payload: entry.payload.slice(0, 4096), ...outcome }), { maxLen: EVENTS_MAX_LEN });
    }
    await this.streams.append(agentKeys.events, event, { maxLen: EVENTS_MAX_LEN });
    await this.ack(entry);
    return { outcome, first: true };
  }

  private ack(entry: StreamEntry): Promise<void> {
    return this.streams.ack(agentKeys.signals, AGENT_CONSUMER_GROUP, [entry.id]);
  }
}

function eventType(outcome: SignalOutcome): string {
  switch (outcome.status) {
    case "placed":
      return outcome.filled_quantity > 0 ? "fill" : "order";
    case "refused":
      return "refusal";
    case "rejected":
      return "rejection";
    case "dead_letter":
      return "dead_letter";
    case "no_change":
      return "no_change";
  }
}
