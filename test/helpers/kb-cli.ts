/**
 * Starts the real `quantmind serve kb` CLI for end-to-end tests, over stdio (the SDK client
 * launches it) or over HTTP (a child process on a free loopback port).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const CLI = path.resolve(fileURLToPath(new URL("../../bin/quantmind.js", import.meta.url)));
export const TEST_API_KEY = "e2e-test-key-0123456789abcdef";

export interface ConnectedKb {
  client: Client;
  /** Set for HTTP: the MCP endpoint. */
  mcpUrl?: string;
  /** Everything the server wrote to stderr. */
  stderr: () => string;
  close: () => Promise<void>;
}

/** Where the server finds its store and articles. */
export interface KbLocation {
  dataDir: string;
  articlesDir: string;
}

function baseEnv(location: KbLocation, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, QM_DATA_DIR: location.dataDir, KB_ARTICLES_DIR: location.articlesDir, LOG_LEVEL: "info", ...extra };
}

export async function connectStdio(location: KbLocation, extraEnv: Record<string, string> = {}): Promise<ConnectedKb> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "serve", "kb", "--transport", "stdio"],
    env: baseEnv(location, extraEnv),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: "kb-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Starts `serve kb --transport http --port 0` and waits for its "listening" log line. */
export async function startHttpServer(
  location: KbLocation,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; mcpUrl: string; stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, "serve", "kb", "--transport", "http", "--port", "0"], {
    env: baseEnv(location, { MCP_API_KEY: TEST_API_KEY, ...extraEnv }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${stderr}`)), 60_000);
    child.stderr!.on("data", (chunk) => {
      stderr += String(chunk);
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+\/mcp)"/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { child, mcpUrl, stderr: () => stderr, stop };
}

export async function connectHttp(location: KbLocation, extraEnv: Record<string, string> = {}): Promise<ConnectedKb> {
  const server = await startHttpServer(location, extraEnv);
  const client = new Client({ name: "kb-e2e", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { "x-api-key": TEST_API_KEY } } }),
  );
  return {
    client,
    mcpUrl: server.mcpUrl,
    stderr: server.stderr,
    close: async () => {
      await client.close();
      await server.stop();
    },
  };
}
