/**
 * The `quantmind` CLI: one entry point for every service, so each deploy target runs the same
 * image with a different command.
 *
 * This file only lists the services. A service adds its commands by exporting
 * `register<Name>Commands(program)` from `services/<name>/cli/commands.ts` and getting one line
 * below. Shared pieces live in services/shared/cli: `registerMcpServeCommand` (an MCP service's
 * `serve <name>` with --transport/--host/--port), `commandGroup` (shared groups such as `serve`
 * or `worker`, created on first use), `shutdownOnSignal`, and `StartPart` (a service's share of
 * `quantmind start`, which `npm start` runs: add it to the START_PARTS list).
 *
 * Registering must stay cheap: every command, even `--help`, registers all of them. A commands.ts
 * imports statically only commander and small modules (options, constants); each action and
 * StartPart imports its service's runtime with `await import(...)` when it runs.
 * test/cli-startup.test.ts fails, naming the import, when registration loads a package or runtime.
 */
import { Command } from "commander";
import { runCli } from "./shared/cli/run-cli.js";
import { registerStartCommand, type StartPart } from "./shared/cli/start-command.js";
import { kbStartPart, registerKbCommands } from "./kb/cli/commands.js";
import { registerQcCommands } from "./qc/cli/commands.js";
import { registerBackupCommands } from "./backup/cli/commands.js";
import { backtestStartPart, registerBacktestCommands } from "./backtest/cli/commands.js";
import { registerBrokersCommands } from "./brokers/cli/commands.js";
import { agentStartPart, registerAgentCommands } from "./agent/cli/commands.js";

const program = new Command("quantmind")
  .description("QuantMind services: knowledge base, backtests, strategy agent, QuantConnect MCP")
  .showHelpAfterError();

registerKbCommands(program);
registerQcCommands(program);
registerBackupCommands(program);
registerBacktestCommands(program);
registerBrokersCommands(program);
registerAgentCommands(program);

/** What `quantmind start` (`npm start`) brings up, in this order; stopped in reverse. */
const START_PARTS: StartPart[] = [kbStartPart, backtestStartPart, agentStartPart];
registerStartCommand(program, START_PARTS);

await runCli(program);
