/**
 * The backtest service's commands: `quantmind serve backtest` (MCP), `quantmind worker backtest`
 * (the queue worker, hardened), `quantmind backtest run FILE` (one run here), and its part of
 * `quantmind start`.
 *
 * Registering only declares the commands: the runtime (queue, sandbox, engine, chart) is imported
 * by the action that runs, so no other command pays for loading it.
 */
import { Option, type Command } from "commander";
import { registerMcpServeCommand } from "../../shared/cli/mcp-serve-command.js";
import { commandGroup, envWith, portOption } from "../../shared/cli/options.js";
import type { StartPart } from "../../shared/cli/start-command.js";
import { ConfigError } from "../../shared/errors.js";
// record.ts has no imports of its own: the languages are declared here without loading the service.
import { STRATEGY_LANGUAGES, type StrategyLanguage } from "../jobs/record.js";

export function registerBacktestCommands(program: Command): void {
  registerMcpServeCommand(program, {
    name: "backtest",
    description: "backtest MCP server: run_backtest, get_backtest_status, cancel_backtest, list_backtests, optimize_strategy, list_datasets (REDIS_URL: queue to workers; unset: run jobs here)",
    defaultPort: 8002,
    async serve(transport, rawEnv) {
      const { loadBacktestEnv } = await import("../service-config.js");
      const env = loadBacktestEnv(rawEnv);
      const [{ createLogger }, { createBacktestRuntime, serveBacktestHttp, serveBacktestStdio }, { datasetsFromEnv }] = await Promise.all([
        import("../../shared/logger.js"),
        import("../main.js"),
        import("../datasets-from-env.js"),
      ]);
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
      const { BACKTEST_SECRETS, loadBacktestEnv } = await import("../service-config.js");
      const env = loadBacktestEnv(); // fail here, with one line, before anything starts
      if (env.REDIS_URL === undefined) throw new ConfigError("REDIS_URL is not set: a backtest worker takes its jobs from Redis (without Redis, `quantmind serve backtest` runs them itself)");
      // Only a process under Node's permission model has process.permission: without it there is
      // nothing to ask, and the launcher of a hardened worker need not load the worker's runtime.
      const underPermissionModel = "permission" in process && (await import("../worker-main.js")).hasPermissionModel();
      if (!options.harden || underPermissionModel) {
        const [{ shutdownOnSignal }, { createLogger }, { runBacktestWorker }] = await Promise.all([
          import("../../shared/cli/shutdown.js"),
          import("../../shared/logger.js"),
          import("../worker-main.js"),
        ]);
        shutdownOnSignal(await runBacktestWorker(env, createLogger("backtest-worker", { level: env.LOG_LEVEL })));
        return;
      }
      // The worker parses its environment again, so it may read the secret files (`X_FILE`) too.
      const secretFiles = BACKTEST_SECRETS.map((name) => process.env[`${name}_FILE`]).filter((file): file is string => file !== undefined && file !== "");
      const [{ barCacheDir }, { runHardenedWorker }] = await Promise.all([import("../datasets-from-env.js"), import("./hardened-worker.js")]);
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
      const { runBacktestFile } = await import("./run-command.js");
      await runBacktestFile(file, options, process.stdout);
    });
}

/** `quantmind start`: the backtest MCP server over HTTP with the in-process queue. */
export const backtestStartPart: StartPart = {
  name: "backtests",
  options: [new Option("--backtest-port <n>", "backtest HTTP port (default 8002)").argParser(portOption)],
  async start(options, out) {
    const { loadBacktestEnv } = await import("../service-config.js");
    const env = loadBacktestEnv(envWith({ MCP_PORT: (options.backtestPort as string | undefined) ?? "8002" }));
    const { startBacktest } = await import("./start-command.js");
    return startBacktest(env, out);
  },
};
