/**
 * The strategy agent's commands: `quantmind serve agent` (the daemon), `quantmind agent signal`
 * (send one signal, print its outcome), `quantmind agent kill-switch on|off`, and its part of
 * `quantmind start`.
 */
import { randomBytes } from "node:crypto";
import { Argument, InvalidArgumentError, Option, type Command } from "commander";
import { loadEnabledBrokers } from "../../brokers/registry.js";
import { commandGroup, envWith, portOption } from "../../shared/cli/options.js";
import { shutdownOnSignal } from "../../shared/cli/shutdown.js";
import type { StartPart } from "../../shared/cli/start-command.js";
import type { Env } from "../../shared/config.js";
import { ConfigError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";
import { AGENT_PORT, loadAgentConfig, type AgentConfig } from "../config.js";
import { runAgent } from "../main.js";
import type { SignalOutcome } from "../outcome.js";
import { parseSignal, type SignalInput } from "../signal.js";
import { RedisAgentStore } from "../store/redis-store.js";
import { submitSignal } from "../submit-signal.js";
import { RedisStreams } from "../streams/redis-streams.js";

export function registerAgentCommands(program: Command): void {
  commandGroup(program, "serve", "run an MCP service")
    .command("agent")
    .description("the strategy agent: signals (Redis stream) -> risk governor -> brokers; /healthz, /readyz, /metrics and /mcp on port 8080")
    .option("--host <address>", "HTTP interface (env MCP_HOST; default 127.0.0.1)")
    .option("--port <n>", `HTTP port (env MCP_PORT; default ${AGENT_PORT})`, portOption)
    .action(async (options: { host?: string; port?: string }) => {
      const env = envWith({ MCP_HOST: options.host, MCP_PORT: options.port });
      const config = loadAgentConfig(env);
      const logger = createLogger("strategy-agent", { level: config.LOG_LEVEL });
      const agent = await runAgent(config, logger, loadEnabledBrokers({ ...env, BROKERS_CONFIG: config.BROKERS_CONFIG }));
      shutdownOnSignal(agent.stop);
    });

  const agent = program.command("agent").description("talk to running strategy agents through Redis (REDIS_URL, REDIS_PASSWORD)");

  agent
    .command("signal")
    .description("send one signal and print its outcome (placed, refused with the limit, rejected, dead letter)")
    .requiredOption("--broker <name>", "broker name from config/brokers.yaml")
    .requiredOption("--symbol <symbol>", "e.g. EURUSD")
    .addOption(new Option("--side <side>", "with --quantity").choices(["buy", "sell"]))
    .option("--quantity <n>", "units to buy or sell", positiveNumber)
    .option("--target <n>", "signed position wanted after the order (instead of --side/--quantity)", finiteNumber)
    .addOption(new Option("--type <type>", "order type").choices(["market", "limit", "stop"]).default("market"))
    .option("--price <n>", "limit or stop price", positiveNumber)
    .option("--stop-loss <n>", "stop-loss price", positiveNumber)
    .option("--take-profit <n>", "take-profit price", positiveNumber)
    .option("--id <id>", "signal id (default: generated); the same id twice places one order")
    .option("--strategy <name>", "strategy name", "cli")
    .option("--wait-ms <n>", "how long to wait for the outcome", positiveNumber, 10_000)
    .action(async (options: SignalOptions) => {
      const outcome = await sendSignal(requireRedis(loadAgentConfig(), "agent signal"), options);
      process.stdout.write(`${describeOutcome(outcome)}\n${JSON.stringify(outcome, null, 2)}\n`);
    });

  agent
    .command("kill-switch")
    .description("on: every agent refuses every new order from its next signal; off: trading resumes")
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .option("--reason <text>", "kept with the switch for status reports", "set from the CLI")
    .action(async (state: "on" | "off", options: { reason: string }) => {
      const config = requireRedis(loadAgentConfig(), "agent kill-switch");
      const store = new RedisAgentStore({ url: config.REDIS_URL, password: config.REDIS_PASSWORD });
      try {
        await store.ready();
        await store.setKillSwitch(state === "on", options.reason);
        process.stdout.write(state === "on" ? "kill switch ON: every new order is refused\n" : "kill switch off: trading resumes\n");
      } finally {
        await store.close();
      }
    });
}

interface SignalOptions {
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

function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("expected a number");
  return n;
}

function positiveNumber(value: string): number {
  const n = finiteNumber(value);
  if (n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

/**
 * `quantmind start`: the agent with in-process streams and the enabled brokers (mt5_mock by
 * default). With only simulated brokers, MCP clients may trade unless AGENT_MCP_TRADING says no.
 */
export const agentStartPart: StartPart = {
  name: "strategy agent",
  options: [new Option("--agent-port <n>", `strategy-agent HTTP port (default ${AGENT_PORT})`).argParser(portOption)],
  async start(options, out) {
    const env: Env = { ...process.env, REDIS_URL: undefined, MCP_PORT: (options.agentPort as string | undefined) ?? String(AGENT_PORT) };
    const probe = loadAgentConfig(env);
    const brokers = loadEnabledBrokers({ ...env, BROKERS_CONFIG: probe.BROKERS_CONFIG });
    const simulatedOnly = [...brokers.values()].every((b) => b.kind === "mt5_mock");
    if (env.AGENT_MCP_TRADING === undefined && simulatedOnly) env.AGENT_MCP_TRADING = "true";
    const config = loadAgentConfig(env);
    const agent = await runAgent(config, createLogger("strategy-agent", { level: config.LOG_LEVEL }), brokers);
    const example = { signal: { id: "my-first-signal", strategy: "manual", broker: [...brokers.keys()][0] ?? "mt5_mock", symbol: "EURUSD", side: "buy", quantity: 0.1 } };
    out.write(
      `strategy agent: ${agent.server.mcpUrl} (brokers: ${[...brokers.keys()].join(", ") || "none"}; in-process streams; API key in ${agent.server.apiKey.file ?? "MCP_API_KEY"})\n` +
        (config.AGENT_MCP_TRADING ? `  send a signal with its MCP tool submit_signal, e.g. ${JSON.stringify(example)}\n` : "  trading over MCP is off (AGENT_MCP_TRADING)\n"),
    );
    return agent.stop;
  },
};
