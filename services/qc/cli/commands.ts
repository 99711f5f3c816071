/** The QuantConnect service's command: `quantmind serve qc`, over stdio (default) or HTTP. */
import type { Command } from "commander";
import { registerMcpServeCommand } from "../../shared/cli/mcp-serve-command.js";
import { createLogger } from "../../shared/logger.js";
import { createQcDeps } from "../app.js";
import { loadQcConfig } from "../config.js";
import { serveQcHttp, serveQcStdio } from "../main.js";

export function registerQcCommands(program: Command): void {
  registerMcpServeCommand(program, {
    name: "qc",
    description: "QuantConnect MCP server: the REST API v2 tool set (QC_USER_ID, QC_API_TOKEN; QC_TOOLSETS, QC_ENABLE_LIVE_TRADING)",
    defaultPort: 8001,
    async serve(transport, env) {
      const config = loadQcConfig(env);
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
