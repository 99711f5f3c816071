/**
 * Every Redis key the services use, built in one place, so the `qm:` prefix and the layout of
 * the keyspace cannot drift between a producer and its consumer. Add a service's keys as one
 * namespace object below; never write a key as a string literal elsewhere.
 */

/** The prefix of every key the system owns. */
export const REDIS_KEY_PREFIX = "qm";

/** A key part may not be empty or hold the separator, so `qm:a:b` always has one parse. */
function checkedPart(part: string): string {
  if (part === "" || part.includes(":")) throw new TypeError(`invalid Redis key part ${JSON.stringify(part)}`);
  return part;
}

/** `qm:<part>:<part>...`. */
export function redisKey(...parts: string[]): string {
  return [REDIS_KEY_PREFIX, ...parts.map(checkedPart)].join(":");
}

/**
 * The prefix handed to BullMQ, which builds its own `<prefix>:<queue>:...` keys: all queues live
 * under `qm:bull:`.
 */
export const BULLMQ_PREFIX = redisKey("bull");

/** The strategy agent's keys: its streams, the outcome of each signal, and its switches. */
export const agentKeys = {
  /** Incoming signals (consumer group {@link AGENT_CONSUMER_GROUP}). */
  signals: redisKey("agent", "signals"),
  /** Signals that could not be processed, with the reason. */
  deadLetter: redisKey("agent", "dead-letter"),
  /** Orders, fills, refusals and alerts, trimmed by MAXLEN. */
  events: redisKey("agent", "events"),
  /** The recorded outcome of one signal: written once, before the entry is acknowledged. */
  outcome: (signalId: string) => redisKey("agent", "outcome", signalId),
  /** Present (any value): every new order is refused. */
  killSwitch: redisKey("agent", "kill-switch"),
  /** A broker's equity at the start of a UTC day (YYYY-MM-DD), the base of the daily loss. */
  dayStartEquity: (broker: string, day: string) => redisKey("agent", "day-start-equity", broker, day),
  /** Set with a TTL by a live agent. */
  heartbeat: (agentId: string) => redisKey("agent", "heartbeat", agentId),
};

/** The consumer group every agent replica reads signals in. */
export const AGENT_CONSUMER_GROUP = "agents";

/** The backtest service's keys (its BullMQ queue lives under BULLMQ_PREFIX as `backtest`). */
export const backtestKeys = {
  /** BullMQ queue name. */
  queue: "backtest",
  /** Hash: one backtest's record. */
  job: (id: string) => redisKey("backtest", "job", id),
  /** String: the report JSON (gzip). */
  report: (id: string) => redisKey("backtest", "report", id),
  /** String: the equity PNG. */
  png: (id: string) => redisKey("backtest", "png", id),
  /** String: the id of the completed backtest with this cache key. */
  cache: (cacheKey: string) => redisKey("backtest", "cache", cacheKey),
  /** Sorted set: every backtest id, scored by submission time. */
  index: () => redisKey("backtest", "index"),
};
