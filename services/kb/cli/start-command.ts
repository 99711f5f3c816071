/**
 * `npm start`: brings the knowledge base up for a single user. Indexes the articles when they
 * changed (a no-op on an unchanged corpus), serves MCP over HTTP on loopback, and prints where
 * to connect. Client configurations holding the API key go to a 0600 file, not the terminal.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { httpClientConfigs, stdioClientConfigs } from "../../shared/mcp/client-config.js";
import { createLogger } from "../../shared/logger.js";
import { PACKAGE_ROOT } from "../../shared/package-root.js";
import type { KbConfig } from "../config.js";
import { closeKbDeps, createKbDeps, serveKbHttp } from "../main.js";
import { indexWithProgress } from "./index-command.js";

const CLI_LAUNCHER = path.join(PACKAGE_ROOT, "bin", "quantmind.js");

/** Starts the service; resolves once it is listening, with a function that stops it. */
export async function startKb(config: KbConfig, out: NodeJS.WritableStream): Promise<() => Promise<void>> {
  const logger = createLogger("kb", { level: config.LOG_LEVEL });
  const indexDeps = await createKbDeps(config, logger, "index");
  try {
    await indexWithProgress(config, indexDeps, out);
  } finally {
    await closeKbDeps(indexDeps);
  }
  const deps = await createKbDeps(config, logger, "serve");
  try {
    const server = await serveKbHttp(config, deps, { host: config.MCP_HOST, port: config.MCP_PORT });
    const dataDir = path.resolve(config.QM_DATA_DIR);
    const clientsFile = path.join(dataDir, "mcp-clients.json");
    const http = httpClientConfigs([{ name: "quantmind-kb", url: server.mcpUrl, apiKey: server.apiKey.key }]);
    await writeFile(clientsFile, `${JSON.stringify(http, null, 2)}\n`, { mode: 0o600 });

    const stdio = stdioClientConfigs([
      {
        name: "quantmind-kb",
        command: process.execPath,
        args: [CLI_LAUNCHER, "serve", "kb"],
        env: { QM_DATA_DIR: dataDir, KB_ARTICLES_DIR: deps.articlesRoot },
      },
    ]);
    out.write(
      [
        "",
        "QuantMind knowledge base is up.",
        `  MCP endpoint (Streamable HTTP): ${server.mcpUrl}`,
        `  health:                         ${server.url}/healthz`,
        `  API key:                        ${server.apiKey.file ?? "from MCP_API_KEY"} (send as x-api-key or Authorization: Bearer)`,
        `  HTTP client configs with the key (Claude Desktop, Cursor, VS Code): ${clientsFile}`,
        "",
        "Or let Claude Desktop / Cursor launch it over stdio (no key needed); paste into their mcpServers:",
        JSON.stringify(stdio.claudeDesktop.mcpServers, null, 2),
        "",
        "Press Ctrl+C to stop.",
        "",
      ].join("\n"),
    );
    return async () => {
      await server.close();
      await closeKbDeps(deps);
    };
  } catch (error) {
    await closeKbDeps(deps);
    throw error;
  }
}
