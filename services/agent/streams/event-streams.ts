/**
 * Append-only streams with consumer groups: the signal stream the agent reads, and the event and
 * dead-letter streams it writes. Two backends behind this one interface (Redis Streams, and an
 * in-process copy of their semantics for a single user without Redis), one behavioural suite
 * (test/agent/streams/stream-suite.ts).
 *
 * Delivery is at least once: an entry read by a consumer stays pending until acknowledged, and a
 * pending entry whose consumer went quiet is claimed by another. Consumers make processing
 * idempotent (the agent records each signal's outcome once, before it acknowledges).
 */

export interface StreamEntry {
  /** The stream's entry id (`<ms>-<seq>`), increasing. */
  id: string;
  payload: string;
}

export interface ReadOptions {
  /** Most entries to return. */
  count: number;
  /** How long to wait for a new entry when there is none; 0 returns at once. */
  blockMs: number;
}

export interface ClaimOptions {
  /** Only entries pending at least this long. */
  minIdleMs: number;
  count: number;
}

export interface EventStreams {
  /** Creates the group, reading from the stream's start, unless it exists. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /** Appends one entry; `maxLen` trims the oldest entries past it (approximately, as Redis's `~`). */
  append(stream: string, payload: string, options?: { maxLen?: number }): Promise<string>;
  /** New entries for this consumer; they stay pending until {@link ack}. */
  readGroup(stream: string, group: string, consumer: string, options: ReadOptions): Promise<StreamEntry[]>;
  ack(stream: string, group: string, ids: readonly string[]): Promise<void>;
  /** Takes over entries another consumer left pending for `minIdleMs` (a crashed consumer's). */
  claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<StreamEntry[]>;
  /** How many entries of the group are read but not acknowledged. */
  pendingCount(stream: string, group: string): Promise<number>;
  /** The newest entries, newest first. */
  recent(stream: string, count: number): Promise<StreamEntry[]>;
  close(): Promise<void>;
}
