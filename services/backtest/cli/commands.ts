/**
 * The backtest service's commands: `quantmind serve backtest` (MCP), `quantmind worker backtest`
 * (the queue worker, hardened), `quantmind backtest run FILE` (one run here), and its part of
 * `quantmind start`.
 */
import { Option, type Command } from "commander";
import { registerMcpServeCommand } from "../../shared/cli/mcp-serve-command.js";
import { commandGroup, envWith, portOption } from "../../shared/cli/options.js";
import { shutdownOnSignal } from "../../shared/cli/shutdown.js";
import type { StartPart } from "../../shared/cli/start-command.js";
import { ConfigError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";
import { STRATEGY_LANGUAGES, type StrategyLanguage } from "../jobs/record.js";
import { createBacktestRuntime, serveBacktestHttp, serveBacktestStdio } from "../main.js";
import { barCacheDir, datasetsFromEnv } from "../datasets-from-env.js";
import { BACKTEST_SECRETS, loadBacktestEnv } from "../service-config.js";
import { hasPermissionModel, runBacktestWorker } from "../worker-main.js";
import { runHardenedWorker } from "./hardened-worker.js";
import { runBacktestFile } from "./run-command.js";
import { startBacktest } from "./start-command.js";

export function registerBacktestCommands(program: Command): void {
  registerMcpServeCommand(program, {
    name: "backtest",
    description: "backtest MCP server: run_backtest, get_backtest_status, cancel_backtest, list_backtests, optimize_strategy, list_datasets (REDIS_URL: queue to workers; unset: run jobs here)",
    defaultPort: 8002,
    async serve(transport, rawEnv) {
      const env = loadBacktestEnv(rawEnv);
      const logger = createLogger("backtest-mcp", { level: env.LOG_LEVEL });
      const runtime = createBacktestRuntime(env, logger, datasetsFromEnv(env));
      if (runtime.backend === "in-process") runtime.startWorkers();
      if (transport === "stdio") {
        await serveBacktestStdio(runtime);
        await runtime.close();
        return undefined;
      }
      const server = await serveBacktestHttp(env, runtime).catch(async (error: unknown) => {
        await runtime.close();
        throw error;
      });
      return async () => {
        await server.close();
        await runtime.close();
      };
    },
  });

  commandGroup(program, "worker", "run a queue worker")
    .command("backtest")
    .description("backtest queue worker: runs queued jobs from Redis (REDIS_URL), BACKTEST_WORKERS at a time, under Node's permission model")
    .option("--no-harden", "run in this process without the permission model (debugging only)")
    .action(async (options: { harden: boolean }) => {
      const env = loadBacktestEnv(); // fail here, with one line, before anything starts
      if (env.REDIS_URL === undefined) throw new ConfigError("REDIS_URL is not set: a backtest worker takes its jobs from Redis (without Redis, `quantmind serve backtest` runs them itself)");
      if (!options.harden || hasPermissionModel()) {
        shutdownOnSignal(await runBacktestWorker(env, createLogger("backtest-worker", { level: env.LOG_LEVEL })));
        return;
      }
      // The worker parses its environment again, so it may read the secret files (`X_FILE`) too.
      const secretFiles = BACKTEST_SECRETS.map((name) => process.env[`${name}_FILE`]).filter((file): file is string => file !== undefined && file !== "");
      process.exitCode = await runHardenedWorker({ readPaths: [env.BACKTEST_DATA_DIR, ...secretFiles], cacheDir: barCacheDir(env), env: process.env });
    });

  commandGroup(program, "backtest", "backtests from the command line")
    .command("run")
    .description("run one backtest here: prints the statistics, writes the equity chart as PNG")
    .argument("<file>", "strategy source (.js, .ts, .py)")
    .requiredOption("--dataset <name>", "dataset name (a file under BACKTEST_DATA_DIR)")
    .option("--config <file>", "backtest configuration as JSON")
    .addOption(new Option("--language <language>", "override the language the extension implies").choices(STRATEGY_LANGUAGES))
    .option("--out <png>", "where to write the chart (default: next to the strategy file)")
    .option("--report <json>", "also write the JSON report")
    .action(async (file: string, options: { dataset: string; config?: string; language?: StrategyLanguage; out?: string; report?: string }) => {
      await runBacktestFile(file, options, process.stdout);
    });
}

/** `quantmind start`: the backtest MCP server over HTTP with the in-process queue. */
export const backtestStartPart: StartPart = {
  name: "backtests",
  options: [new Option("--backtest-port <n>", "backtest HTTP port (default 8002)").argParser(portOption)],
  start: (options, out) => startBacktest(loadBacktestEnv(envWith({ MCP_PORT: (options.backtestPort as string | undefined) ?? "8002" })), out),
};
