/**
 * The knowledge base's commands: `quantmind index`, `quantmind serve kb`, and its part of
 * `quantmind start`. Options override the matching environment variables.
 *
 * Registering only declares the commands: the configuration, the store, the embedder and the MCP
 * server are imported by the action that runs, so `quantmind --help` (and every other service's
 * command) does not load them.
 */
import { Option, type Command } from "commander";
import { registerMcpServeCommand } from "../../shared/cli/mcp-serve-command.js";
import { envWith, portOption } from "../../shared/cli/options.js";
import type { StartPart } from "../../shared/cli/start-command.js";

const DEFAULT_TEST_QUERY = "how to size a position from the average true range";

export function registerKbCommands(program: Command): void {
  program
    .command("index")
    .description("index Markdown articles into the knowledge base (incremental: unchanged articles are skipped)")
    .option("--articles <dir>", "articles root (env KB_ARTICLES_DIR; default: the bundled sample corpus)")
    .option("--collection <name>", "collection name (env KB_COLLECTION)")
    .option("--query <text>", "test query to run after indexing", DEFAULT_TEST_QUERY)
    .action(async (options: { articles?: string; collection?: string; query: string }) => {
      const { loadKbConfig } = await import("../config.js");
      const config = loadKbConfig(envWith({ KB_ARTICLES_DIR: options.articles, KB_COLLECTION: options.collection }));
      const [{ createLogger }, { closeKbDeps, createKbDeps }, { indexWithProgress, printTestQuery }] = await Promise.all([
        import("../../shared/logger.js"),
        import("../main.js"),
        import("./index-command.js"),
      ]);
      const logger = createLogger("kb-indexer", { level: config.LOG_LEVEL });
      const deps = await createKbDeps(config, logger, "index");
      try {
        await indexWithProgress(config, deps, process.stdout);
        await printTestQuery(deps, options.query, process.stdout, logger);
      } finally {
        await closeKbDeps(deps);
      }
    });

  registerMcpServeCommand(program, {
    name: "kb",
    description: "knowledge-base MCP server: search_knowledge_base, get_article_content, kb_stats, list_categories",
    defaultPort: 8000,
    async serve(transport, env) {
      const { loadKbConfig } = await import("../config.js");
      const config = loadKbConfig(env);
      const [{ createLogger }, { closeKbDeps, createKbDeps, serveKbHttp, serveKbStdio }] = await Promise.all([import("../../shared/logger.js"), import("../main.js")]);
      const logger = createLogger("kb-mcp", { level: config.LOG_LEVEL });
      const deps = await createKbDeps(config, logger);
      if (transport === "stdio") {
        await serveKbStdio(deps);
        await closeKbDeps(deps);
        return undefined;
      }
      const server = await serveKbHttp(config, deps).catch(async (error: unknown) => {
        await closeKbDeps(deps);
        throw error;
      });
      return async () => {
        await server.close();
        await closeKbDeps(deps);
      };
    },
  });
}

/** `quantmind start`: index when the articles changed, then serve the knowledge base over HTTP. */
export const kbStartPart: StartPart = {
  name: "knowledge base",
  options: [new Option("--port <n>", "knowledge-base HTTP port (env MCP_PORT; default 8000)").argParser(portOption)],
  async start(options, out) {
    const { loadKbConfig } = await import("../config.js");
    const config = loadKbConfig(envWith({ MCP_PORT: options.port as string | undefined }));
    const { startKb } = await import("./start-command.js");
    return startKb(config, out);
  },
};
