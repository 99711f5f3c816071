/**
 * The knowledge base's part of `npm start` (`quantmind start`): brings it up for a single user. Indexes the articles when they
 * changed (a no-op on an unchanged corpus), serves MCP over HTTP on loopback, and prints where
 * to connect. Client configurations holding the API key go to a 0600 file, not the terminal.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { httpClientConfigs, stdioClientConfigs } from "../../shared/mcp/client-config.js";
import { createLogger } from "../../shared/logger.js";
import { PACKAGE_ROOT } from "../../shared/package-root.js";
import type { KbConfig } from "../config.js";
import type { KbDeps } from "../deps.js";
import type { McpHttpServer } from "../../shared/http/serve-mcp-http.js";
import { closeKbDeps, createKbDeps, serveKbHttp } from "../main.js";
import { indexWithProgress } from "./index-command.js";

const CLI_LAUNCHER = path.join(PACKAGE_ROOT, "bin", "quantmind.js");

/** Starts the service; resolves once it is listening, with a function that stops it. */
export async function startKb(config: KbConfig, out: NodeJS.WritableStream): Promise<() => Promise<void>> {
  const logger = createLogger("kb", { level: config.LOG_LEVEL });
  const dataDir = path.resolve(config.QM_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const indexDeps = await createKbDeps(config, logger, "index");
  try {
    await indexWithProgress(config, indexDeps, out);
  } finally {
    await closeKbDeps(indexDeps);
  }

  let deps: KbDeps | undefined;
  let server: McpHttpServer | undefined;
  try {
    deps = await createKbDeps(config, logger, "serve");
    server = await serveKbHttp(config, deps);
    out.write(await describeEndpoints(server, deps, dataDir));
  } catch (error) {
    await server?.close();
    if (deps) await closeKbDeps(deps);
    throw error;
  }
  const running = { server, deps };
  return async () => {
    await running.server.close();
    await closeKbDeps(running.deps);
  };
}

/**
 * The text printed once the server listens. Client configurations with the key are written to
 * a file only when the key is itself kept in the data directory; a key the operator passed in
 * MCP_API_KEY is never copied to disk.
 */
async function describeEndpoints(server: McpHttpServer, deps: KbDeps, dataDir: string): Promise<string> {
  let keyLines = ["  API key:                        from MCP_API_KEY (send as x-api-key or Authorization: Bearer)"];
  if (server.apiKey.file) {
    const clientsFile = path.join(dataDir, "mcp-clients.json");
    const http = httpClientConfigs([{ name: "quantmind-kb", url: server.mcpUrl, apiKey: server.apiKey.key }]);
    await writeFile(clientsFile, `${JSON.stringify(http, null, 2)}\n`, { mode: 0o600 });
    await chmod(clientsFile, 0o600); // mode applies only on creation; an older file may be wider
    keyLines = [
      `  API key:                        ${server.apiKey.file} (send as x-api-key or Authorization: Bearer)`,
      `  HTTP client configs with the key (Claude Desktop, Cursor, VS Code): ${clientsFile}`,
    ];
  }
  const stdio = stdioClientConfigs([
    {
      name: "quantmind-kb",
      command: process.execPath,
      args: [CLI_LAUNCHER, "serve", "kb"],
      env: { QM_DATA_DIR: dataDir, KB_ARTICLES_DIR: deps.articlesRoot },
    },
  ]);
  return [
    "",
    "QuantMind knowledge base is up.",
    `  MCP endpoint (Streamable HTTP): ${server.mcpUrl}`,
    `  health:                         ${server.url}/healthz`,
    ...keyLines,
    "",
    "Or let Claude Desktop / Cursor launch it over stdio (no key needed); paste into their mcpServers:",
    JSON.stringify(stdio.claudeDesktop.mcpServers, null, 2),
    "",
    "",
  ].join("\n");
}
