/**
 * Starts the real `quantmind serve kb` CLI for end-to-end tests, over stdio (the SDK client
 * launches it) or over HTTP (a child process on a free loopback port).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CLI, startCliHttpServer, type RunningCliServer } from "./cli-server.js";

export { CLI };
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
export function startHttpServer(location: KbLocation, extraEnv: Record<string, string> = {}): Promise<RunningCliServer> {
  return startCliHttpServer("kb", baseEnv(location, { MCP_API_KEY: TEST_API_KEY, ...extraEnv }));
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
