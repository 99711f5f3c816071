/**
 * The last step of a signal: record its outcome once, publish it, and acknowledge its stream
 * entry. Redis does it in one script (store/redis-store.ts); any other pair of streams and store
 * does it step by step, in the order that keeps a crash safe: the outcome is recorded first, so a
 * redelivered entry finds it, and the entry is acknowledged last.
 */
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../shared/redis-keys.js";
import type { EventStreams } from "../streams/event-streams.js";
import type { AgentStore, SignalState } from "./agent-store.js";

/** Events kept on the event and dead-letter streams (Redis trims whole nodes, so a few more may stay). */
export const EVENTS_MAX_LEN = 10_000;

export interface OutcomeCommit {
  /** The id the outcome is recorded under (the signal's id). */
  recordId: string;
  /** The outcome, serialised. */
  outcome: string;
  /** The signal stream entry to acknowledge. */
  entryId: string;
  /** The event stream entry published when this commit records the outcome. */
  event: string;
  /** Also published on the dead-letter stream, when given. */
  deadLetter?: string;
  /**
   * The id of the signal processed next, if known: its state (recorded outcome, kill switch) is
   * read right after this commit, in the same round trip, as the next signal starts.
   */
  nextSignalId?: string;
}

export type CommitResult = ({ first: true } | { first: false; recorded: string | undefined }) & {
  /** The next signal's state, read after the commit, when `nextSignalId` was given. */
  next?: SignalState;
};

export interface OutcomeCommitter {
  /** Records, publishes and acknowledges; `first: false` when an outcome was recorded before (nothing is published then). */
  commitOutcome(commit: OutcomeCommit): Promise<CommitResult>;
}

/** The step-by-step commit over any streams and store (the in-process backends). */
export class StepwiseCommitter implements OutcomeCommitter {
  constructor(
    private readonly streams: EventStreams,
    private readonly store: AgentStore,
  ) {}

  async commitOutcome(commit: OutcomeCommit): Promise<CommitResult> {
    const result = await this.commit(commit);
    if (commit.nextSignalId === undefined) return result;
    return { ...result, next: await this.store.signalState(commit.nextSignalId) };
  }

  private async commit(commit: OutcomeCommit): Promise<CommitResult> {
    const first = await this.store.recordOutcome(commit.recordId, commit.outcome);
    if (!first) {
      const recorded = await this.store.getOutcome(commit.recordId);
      await this.ack(commit.entryId);
      return { first: false, recorded };
    }
    if (commit.deadLetter !== undefined) await this.streams.append(agentKeys.deadLetter, commit.deadLetter, { maxLen: EVENTS_MAX_LEN });
    await this.streams.append(agentKeys.events, commit.event, { maxLen: EVENTS_MAX_LEN });
    await this.ack(commit.entryId);
    return { first: true };
  }

  private ack(entryId: string): Promise<void> {
    return this.streams.ack(agentKeys.signals, AGENT_CONSUMER_GROUP, [entryId]);
  }
}
