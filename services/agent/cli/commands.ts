/**
 * The strategy agent's commands: `quantmind serve agent` (the daemon), `quantmind agent signal`
 * (send one signal, print its outcome), `quantmind agent kill-switch on|off`, and its part of
 * `quantmind start`.
 *
 * Registering only declares the commands: the agent, the brokers (ccxt) and the Redis clients are
 * imported by the action that runs, so no other command pays for loading them.
 */
import { Argument, InvalidArgumentError, Option, type Command } from "commander";
import { commandGroup, envWith, portOption } from "../../shared/cli/options.js";
import type { StartPart } from "../../shared/cli/start-command.js";
import type { Env } from "../../shared/config.js";
import { AGENT_PORT } from "../port.js";
import type { SignalOptions } from "./signal-command.js";

export function registerAgentCommands(program: Command): void {
  commandGroup(program, "serve", "run an MCP service")
    .command("agent")
    .description("the strategy agent: signals (Redis stream) -> risk governor -> brokers; /healthz, /readyz, /metrics and /mcp on port 8080")
    .option("--host <address>", "HTTP interface (env MCP_HOST; default 127.0.0.1)")
    .option("--port <n>", `HTTP port (env MCP_PORT; default ${AGENT_PORT})`, portOption)
    .action(async (options: { host?: string; port?: string }) => {
      const env = envWith({ MCP_HOST: options.host, MCP_PORT: options.port });
      const { loadAgentConfig } = await import("../config.js");
      const config = loadAgentConfig(env);
      const [{ loadEnabledBrokers }, { shutdownOnSignal }, { createLogger }, { runAgent }] = await Promise.all([
        import("../../brokers/registry.js"),
        import("../../shared/cli/shutdown.js"),
        import("../../shared/logger.js"),
        import("../main.js"),
      ]);
      const logger = createLogger("strategy-agent", { level: config.LOG_LEVEL });
      const agent = await runAgent(config, logger, await loadEnabledBrokers({ ...env, BROKERS_CONFIG: config.BROKERS_CONFIG }));
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
      const { signalCommand } = await import("./signal-command.js");
      await signalCommand(options, process.stdout);
    });

  agent
    .command("kill-switch")
    .description("on: every agent refuses every new order from its next signal; off: trading resumes")
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .option("--reason <text>", "kept with the switch for status reports", "set from the CLI")
    .action(async (state: "on" | "off", options: { reason: string }) => {
      const { killSwitchCommand } = await import("./signal-command.js");
      await killSwitchCommand(state, options.reason, process.stdout);
    });
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
    const { loadAgentConfig } = await import("../config.js");
    const probe = loadAgentConfig(env);
    const [{ loadEnabledBrokers }, { createLogger }, { runAgent }] = await Promise.all([import("../../brokers/registry.js"), import("../../shared/logger.js"), import("../main.js")]);
    const brokers = await loadEnabledBrokers({ ...env, BROKERS_CONFIG: probe.BROKERS_CONFIG });
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
