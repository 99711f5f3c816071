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
import { parseSignal, type Signal } from "./signal.js";
import type { AgentStore, SignalState } from "./store/agent-store.js";
import { StepwiseCommitter, type OutcomeCommitter } from "./store/outcome-commit.js";
import type { EventStreams, StreamEntry } from "./streams/event-streams.js";

export { EVENTS_MAX_LEN } from "./store/outcome-commit.js";

/** How long a state read with the previous commit stands in for the next signal's own read. */
const PREFETCH_FRESH_MS = 50;

export interface ProcessedSignal {
  outcome: SignalOutcome;
  /** False when an earlier delivery had already recorded this outcome. */
  first: boolean;
}

export class SignalProcessor {
  private readonly committer: OutcomeCommitter;
  /** The next entry's signal and state, read with the last commit. */
  private prefetched: { entryId: string; signal: Signal; state: SignalState; at: number } | undefined;

  /** `committer`: how the outcome is recorded, published and acknowledged; default step by step over `streams` and `store`. */
  constructor(
    private readonly streams: EventStreams,
    private readonly store: AgentStore,
    private readonly router: SignalRouter,
    private readonly now: () => number = Date.now,
    committer?: OutcomeCommitter,
  ) {
    this.committer = committer ?? new StepwiseCommitter(streams, store);
  }

  /**
   * Processes and acknowledges one entry; throws (leaving it pending) when the outcome is unknown.
   * `next`: the entry the caller processes right after this one, if any: its state is read with
   * this entry's commit, saving it a round trip (the read happens as it starts, as it would alone).
   */
  async process(entry: StreamEntry, redelivered: boolean, next?: StreamEntry): Promise<ProcessedSignal> {
    // Only good for the call right after the commit that read it, and only while fresh (a caller
    // that failed in between may come back to this entry much later).
    const prefetched = this.prefetched?.entryId === entry.id && this.now() - this.prefetched.at <= PREFETCH_FRESH_MS ? this.prefetched : undefined;
    this.prefetched = undefined;
    let outcome: SignalOutcome;
    // Entries without a parsable id are recorded under their stream id ("!" is never in a signal id).
    let recordId = `!entry-${entry.id}`;
    try {
      const signal = prefetched?.signal ?? parseSignal(entry.payload);
      recordId = signal.id;
      // The kill switch is read as each signal starts: one set now stops the next signal.
      const state = prefetched?.state ?? (await this.store.signalState(signal.id));
      if (state.recorded !== undefined) {
        await this.streams.ack(agentKeys.signals, AGENT_CONSUMER_GROUP, [entry.id]);
        return { outcome: JSON.parse(state.recorded) as SignalOutcome, first: false };
      }
      outcome = await this.router.route(signal, redelivered, state.killSwitch);
    } catch (error) {
      if (!(error instanceof AgentError) || error.code !== "SIGNAL_INVALID") throw error;
      outcome = { status: "dead_letter", code: error.code, reason: error.message };
    }

    const nextSignal = next === undefined ? undefined : tryParse(next.payload);
    const result = await this.committer.commitOutcome({
      recordId,
      outcome: JSON.stringify(outcome),
      entryId: entry.id,
      event: JSON.stringify({ type: eventType(outcome), at: this.now(), ...outcome }),
      ...(outcome.status === "dead_letter" ? { deadLetter: JSON.stringify({ entry_id: entry.id, payload: entry.payload.slice(0, 4096), ...outcome }) } : {}),
      ...(nextSignal === undefined ? {} : { nextSignalId: nextSignal.id }),
    });
    if (next !== undefined && nextSignal !== undefined && result.next !== undefined) this.prefetched = { entryId: next.id, signal: nextSignal, state: result.next, at: this.now() };
    // Another agent recorded this signal's outcome meanwhile: report that one (nothing was published).
    if (!result.first) return { outcome: result.recorded === undefined ? outcome : (JSON.parse(result.recorded) as SignalOutcome), first: false };
    return { outcome, first: true };
  }
}

/** The signal in a payload, or undefined when it is invalid (its own processing says why). */
function tryParse(payload: string): Signal | undefined {
  try {
    return parseSignal(payload);
  } catch {
    return undefined;
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
