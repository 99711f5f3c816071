/**
 * The `quantmind` CLI: one entry point for every service, so each deploy target runs the same
 * image with a different command. Options override the matching environment variables.
 */
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { ConfigError, QuantMindError } from "./shared/errors.js";
import { createLogger, scrubSecrets } from "./shared/logger.js";
import { loadKbConfig, type KbConfig } from "./kb/config.js";
import { indexWithProgress, printTestQuery } from "./kb/cli/index-command.js";
import { startKb } from "./kb/cli/start-command.js";
import { closeKbDeps, createKbDeps, serveKbHttp, serveKbStdio } from "./kb/main.js";
import { serveQc } from "./qc/cli/serve-command.js";
import { listBackups } from "./backup/cli/list-command.js";
import { restoreCommand } from "./backup/cli/restore-command.js";
import { runBackupCommand, type RunTarget } from "./backup/cli/run-command.js";
import { scheduleBackups } from "./backup/cli/schedule-command.js";

const DEFAULT_TEST_QUERY = "how to size a position from the average true range";

function kbConfig(overrides: Record<string, string | undefined>): KbConfig {
  const env = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) env[name] = value;
  return loadKbConfig(env);
}

function portOption(value: string): string {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("expected a port number 0-65535");
  return value;
}

const program = new Command("quantmind")
  .description("QuantMind services: knowledge base, backtests, strategy agent, QuantConnect MCP")
  .showHelpAfterError();

program
  .command("index")
  .description("index Markdown articles into the knowledge base (incremental: unchanged articles are skipped)")
  .option("--articles <dir>", "articles root (env KB_ARTICLES_DIR; default: the bundled sample corpus)")
  .option("--collection <name>", "collection name (env KB_COLLECTION)")
  .option("--query <text>", "test query to run after indexing", DEFAULT_TEST_QUERY)
  .action(async (options: { articles?: string; collection?: string; query: string }) => {
    const config = kbConfig({ KB_ARTICLES_DIR: options.articles, KB_COLLECTION: options.collection });
    const logger = createLogger("kb-indexer", { level: config.LOG_LEVEL });
    const deps = await createKbDeps(config, logger, "index");
    try {
      await indexWithProgress(config, deps, process.stdout);
      await printTestQuery(deps, options.query, process.stdout, logger);
    } finally {
      await closeKbDeps(deps);
    }
  });

const serve = program.command("serve").description("run an MCP service");

serve
  .command("kb")
  .description("knowledge-base MCP server: search_knowledge_base, get_article_content, kb_stats, list_categories")
  .addOption(new Option("--transport <kind>", "stdio for clients that launch the server, http to listen").choices(["stdio", "http"]).default("stdio"))
  .option("--host <address>", "HTTP interface (env MCP_HOST; default 127.0.0.1)")
  .option("--port <n>", "HTTP port (env MCP_PORT; default 8000)", portOption)
  .action(async (options: { transport: "stdio" | "http"; host?: string; port?: string }) => {
    const config = kbConfig({ MCP_HOST: options.host, MCP_PORT: options.port });
    const logger = createLogger("kb-mcp", { level: config.LOG_LEVEL });
    const deps = await createKbDeps(config, logger);
    if (options.transport === "stdio") {
      await serveKbStdio(deps);
      await closeKbDeps(deps);
      return;
    }
    const server = await serveKbHttp(config, deps);
    logger.info({ url: server.mcpUrl, apiKeyFile: server.apiKey.file }, "knowledge-base MCP server listening");
    shutdownOnSignal(async () => {
      await server.close();
      await closeKbDeps(deps);
    });
  });

serve
  .command("qc")
  .description("QuantConnect MCP server: the REST API v2 tool set (QC_USER_ID, QC_API_TOKEN; QC_TOOLSETS, QC_ENABLE_LIVE_TRADING)")
  .addOption(new Option("--transport <kind>", "stdio for clients that launch the server, http to listen").choices(["stdio", "http"]).default("stdio"))
  .option("--host <address>", "HTTP interface (env MCP_HOST; default 127.0.0.1)")
  .option("--port <n>", "HTTP port (env MCP_PORT; default 8001)", portOption)
  .action(async (options: { transport: "stdio" | "http"; host?: string; port?: string }) => {
    const stop = await serveQc(options);
    if (stop) shutdownOnSignal(stop);
  });

program
  .command("start")
  .description("the single-user default: index the articles when needed, then serve the knowledge base over HTTP")
  .option("--port <n>", "HTTP port (env MCP_PORT; default 8000)", portOption)
  .action(async (options: { port?: string }) => {
    const config = kbConfig({ MCP_PORT: options.port });
    const stop = await startKb(config, process.stdout);
    shutdownOnSignal(stop);
  });

const backup = program.command("backup").description("Qdrant snapshots and Redis RDB copies: run, schedule, list, restore (env: BACKUP_*, REDIS_URL, QDRANT_URL)");

backup
  .command("run")
  .description("back up one store now, or both; exits non-zero when any backup fails")
  .addArgument(new Argument("<store>", "what to back up").choices(["qdrant", "redis", "all"]))
  .action(async (store: RunTarget) => {
    await runBackupCommand(store, process.stdout);
  });

backup
  .command("schedule")
  .description("the backup daemon: runs each configured store on its cron schedule (BACKUP_SCHEDULE_REDIS, BACKUP_SCHEDULE_QDRANT)")
  .action(async () => {
    shutdownOnSignal(await scheduleBackups());
  });

backup
  .command("list")
  .description("complete backups, oldest first")
  .addOption(new Option("--store <store>", "only this store").choices(["qdrant", "redis"]))
  .option("--json", "print the manifests as JSON")
  .action(async (options: { store?: "qdrant" | "redis"; json?: boolean }) => {
    await listBackups(options.store, options.json ?? false, process.stdout);
  });

backup
  .command("restore")
  .description("verify a backup and restore it: Redis into a stopped server's data directory, Qdrant through its recover API")
  .argument("<id>", "backup id from `quantmind backup list`")
  .option("--redis-data-dir <dir>", "data directory of the stopped Redis to restore into")
  .option("--force", "move an existing AOF/RDB in the Redis data directory aside instead of refusing")
  .option("--download <dir>", "only fetch and verify the backup's files into <dir>")
  .action(async (id: string, options: { redisDataDir?: string; force?: boolean; download?: string }) => {
    await restoreCommand(id, options, process.stdout);
  });

function shutdownOnSignal(stop: () => Promise<void>): void {
  const handler = () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`quantmind: shutdown failed: ${scrubSecrets(String((error as Error)?.message ?? error))}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const known = error instanceof QuantMindError;
  const message = known ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`quantmind: ${scrubSecrets(message)}\n`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
