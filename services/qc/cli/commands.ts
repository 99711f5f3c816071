/**
 * The QuantConnect service's command: `quantmind serve qc`, over stdio (default) or HTTP. The
 * service itself is imported when the command runs, not when it is registered.
 */
import type { Command } from "commander";
import { registerMcpServeCommand } from "../../shared/cli/mcp-serve-command.js";

export function registerQcCommands(program: Command): void {
  registerMcpServeCommand(program, {
    name: "qc",
    description: "QuantConnect MCP server: the REST API v2 tool set (QC_USER_ID, QC_API_TOKEN; QC_TOOLSETS, QC_ENABLE_LIVE_TRADING)",
    defaultPort: 8001,
    async serve(transport, env) {
      const { loadQcConfig } = await import("../config.js");
      const config = loadQcConfig(env);
      const [{ createLogger }, { createQcDeps }, { serveQcHttp, serveQcStdio }] = await Promise.all([import("../../shared/logger.js"), import("../app.js"), import("../main.js")]);
      const deps = createQcDeps(config, createLogger("qc-mcp", { level: config.LOG_LEVEL }));
      if (transport === "stdio") {
        await serveQcStdio(deps);
        return undefined;
      }
      const server = await serveQcHttp(config, deps);
      return () => server.close();
    },
  });
}
