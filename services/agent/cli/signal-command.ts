/**
 * What `quantmind agent signal` and `quantmind agent kill-switch` do against Redis: send one
 * signal and wait for its outcome, or set the kill switch every agent reads. Kept apart from the
 * command declarations so the Redis clients load only when one of these commands runs.
 */
import { randomBytes } from "node:crypto";
import { ConfigError } from "../../shared/errors.js";
import { loadAgentConfig, type AgentConfig } from "../config.js";
import type { SignalOutcome } from "../outcome.js";
import { parseSignal, type SignalInput } from "../signal.js";
import { RedisAgentStore } from "../store/redis-store.js";
import { submitSignal } from "../submit-signal.js";
import { RedisStreams } from "../streams/redis-streams.js";

export interface SignalOptions {
  broker: string;
  symbol: string;
  side?: "buy" | "sell";
  quantity?: number;
  target?: number;
  type: "market" | "limit" | "stop";
  price?: number;
  stopLoss?: number;
  takeProfit?: number;
  id?: string;
  strategy: string;
  waitMs: number;
}

type RedisConfig = AgentConfig & { REDIS_URL: string };

function requireRedis(config: AgentConfig, command: string): RedisConfig {
  if (config.REDIS_URL === undefined) {
    throw new ConfigError(`${command} needs REDIS_URL (and REDIS_PASSWORD): agents read signals from Redis. Without Redis, use the running agent's MCP tool submit_signal instead`);
  }
  return config as RedisConfig;
}

/** `quantmind agent signal`: prints the outcome in one line, then as JSON. */
export async function signalCommand(options: SignalOptions, out: NodeJS.WritableStream): Promise<void> {
  const outcome = await sendSignal(requireRedis(loadAgentConfig(), "agent signal"), options);
  out.write(`${describeOutcome(outcome)}\n${JSON.stringify(outcome, null, 2)}\n`);
}

/** `quantmind agent kill-switch on|off`. */
export async function killSwitchCommand(state: "on" | "off", reason: string, out: NodeJS.WritableStream): Promise<void> {
  const config = requireRedis(loadAgentConfig(), "agent kill-switch");
  const store = new RedisAgentStore({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
  try {
    await store.ready();
    await store.setKillSwitch(state === "on", reason);
    out.write(state === "on" ? "kill switch ON: every new order is refused\n" : "kill switch off: trading resumes\n");
  } finally {
    await store.close();
  }
}

async function sendSignal(config: RedisConfig, options: SignalOptions): Promise<SignalOutcome> {
  const input: SignalInput = {
    id: options.id ?? `cli-${Date.now()}-${randomBytes(4).toString("hex")}`,
    strategy: options.strategy,
    broker: options.broker,
    symbol: options.symbol,
    ...(options.side !== undefined && { side: options.side }),
    ...(options.quantity !== undefined && { quantity: options.quantity }),
    ...(options.target !== undefined && { target_position: options.target }),
    order_type: options.type,
    ...(options.price !== undefined && { price: options.price }),
    ...(options.stopLoss !== undefined && { stop_loss: options.stopLoss }),
    ...(options.takeProfit !== undefined && { take_profit: options.takeProfit }),
    created_at: Date.now(),
  };
  // Refuse locally what the agent would dead-letter, with the same message.
  const signal = parseSignal(JSON.stringify(input));
  const streams = new RedisStreams({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
  const store = new RedisAgentStore({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
  try {
    await Promise.all([streams.ready(), store.ready()]);
    const outcome = await submitSignal(streams, store, signal, options.waitMs);
    if (outcome !== undefined) return outcome;
    throw new ConfigError(`signal ${signal.id} is on the stream, but no agent recorded an outcome within ${options.waitMs} ms: is \`quantmind serve agent\` running against this Redis?`);
  } finally {
    await Promise.all([streams.close(), store.close()]);
  }
}

export function describeOutcome(outcome: SignalOutcome): string {
  switch (outcome.status) {
    case "placed":
      return `placed: order ${outcome.order_id} ${outcome.side} ${outcome.quantity} ${outcome.symbol} on ${outcome.broker}${outcome.duplicate ? " (already placed before)" : ""}`;
    case "no_change":
      return `no change: ${outcome.symbol} on ${outcome.broker} is already at ${outcome.position}`;
    case "refused":
      return `refused by ${outcome.limit}: ${outcome.message}`;
    case "rejected":
      return `rejected by the broker (${outcome.code}): ${outcome.message}`;
    case "dead_letter":
      return `dead letter (${outcome.code}): ${outcome.reason}`;
  }
}
