/**
 * In-process streams with Redis Streams' consumer-group semantics, for `REDIS_URL` unset: entries
 * are kept in memory and lost with the process, which is what a single user running `npm start`
 * expects of a scratch session.
 */
import type { ClaimOptions, EventStreams, ReadOptions, StreamEntry } from "./event-streams.js";

interface Pending {
  consumer: string;
  deliveredAt: number;
}

interface Group {
  /** Index into the stream's entries of the next entry never delivered. */
  next: number;
  pending: Map<string, Pending>;
}

interface Stream {
  entries: StreamEntry[];
  /** Entries trimmed from the front so far: `entries[i]` has absolute index `trimmed + i`. */
  trimmed: number;
  groups: Map<string, Group>;
  waiters: Set<() => void>;
  lastMs: number;
  seq: number;
}

export class MemoryStreams implements EventStreams {
  private readonly streams = new Map<string, Stream>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async ensureGroup(stream: string, group: string): Promise<void> {
    const s = this.stream(stream);
    if (!s.groups.has(group)) s.groups.set(group, { next: s.trimmed, pending: new Map() });
  }

  async append(stream: string, payload: string, options: { maxLen?: number } = {}): Promise<string> {
    const s = this.stream(stream);
    const ms = Math.max(this.now(), s.lastMs);
    s.seq = ms === s.lastMs ? s.seq + 1 : 0;
    s.lastMs = ms;
    const id = `${ms}-${s.seq}`;
    s.entries.push({ id, payload });
    if (options.maxLen !== undefined && s.entries.length > options.maxLen) {
      const drop = s.entries.length - options.maxLen;
      s.entries.splice(0, drop);
      s.trimmed += drop;
    }
    for (const wake of s.waiters) wake();
    return id;
  }

  async readGroup(stream: string, group: string, consumer: string, options: ReadOptions): Promise<StreamEntry[]> {
    const s = this.stream(stream);
    const g = this.group(s, stream, group);
    if (g.next - s.trimmed >= s.entries.length && options.blockMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          s.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, options.blockMs);
        s.waiters.add(done);
      });
    }
    const start = Math.max(g.next, s.trimmed) - s.trimmed;
    const batch = s.entries.slice(start, start + options.count);
    g.next = s.trimmed + start + batch.length;
    const at = this.now();
    for (const entry of batch) g.pending.set(entry.id, { consumer, deliveredAt: at });
    return batch.map((entry) => ({ ...entry }));
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    const g = this.group(this.stream(stream), stream, group);
    for (const id of ids) g.pending.delete(id);
  }

  async claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<StreamEntry[]> {
    const s = this.stream(stream);
    const g = this.group(s, stream, group);
    const at = this.now();
    const claimed: StreamEntry[] = [];
    for (const [id, pending] of g.pending) {
      if (claimed.length >= options.count) break;
      if (at - pending.deliveredAt < options.minIdleMs) continue;
      const entry = s.entries.find((e) => e.id === id);
      if (entry === undefined) {
        // Trimmed while pending: nothing left to deliver (Redis's XAUTOCLAIM drops these too).
        g.pending.delete(id);
        continue;
      }
      g.pending.set(id, { consumer, deliveredAt: at });
      claimed.push({ ...entry });
    }
    return claimed;
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    return this.group(this.stream(stream), stream, group).pending.size;
  }

  async recent(stream: string, count: number): Promise<StreamEntry[]> {
    const entries = this.stream(stream).entries;
    return entries.slice(Math.max(0, entries.length - count)).reverse().map((entry) => ({ ...entry }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.streams.values()) for (const wake of s.waiters) wake();
  }

  private stream(name: string): Stream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = { entries: [], trimmed: 0, groups: new Map(), waiters: new Set(), lastMs: 0, seq: 0 };
      this.streams.set(name, s);
    }
    return s;
  }

  private group(s: Stream, stream: string, group: string): Group {
    const g = s.groups.get(group);
    if (g === undefined) throw new Error(`no consumer group ${group} on stream ${stream}: call ensureGroup first`);
    return g;
  }
}
