/**
 * Starts the real `quantmind serve qc` CLI for end-to-end tests, over stdio (the SDK client
 * launches it) or over HTTP (a child process on a free loopback port), pointed at the
 * QuantConnect stand-in.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CLI, startCliHttpServer, type RunningCliServer } from "./cli-server.js";
import type { QcApiServer } from "./qc-api-server.js";
import { qcTestEnv } from "./qc-in-process.js";

export const QC_TEST_API_KEY = "qc-e2e-test-key-0123456789abcdef";

export interface ConnectedQc {
  client: Client;
  /** Set for HTTP: the MCP endpoint. */
  mcpUrl?: string;
  /** Everything the server wrote to stderr. */
  stderr: () => string;
  close: () => Promise<void>;
}

function childEnv(api: QcApiServer, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...qcTestEnv(api), ...extra };
}

export async function connectQcStdio(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<ConnectedQc> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", "qc"], env: childEnv(api, extraEnv), stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: "qc-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Starts `serve qc --transport http --port 0` and waits for its "listening" log line. */
export function startQcHttpServer(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<RunningCliServer> {
  return startCliHttpServer("qc", childEnv(api, { MCP_API_KEY: QC_TEST_API_KEY, ...extraEnv }));
}

export async function connectQcHttp(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<ConnectedQc> {
  const server = await startQcHttpServer(api, extraEnv);
  const client = new Client({ name: "qc-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { "x-api-key": QC_TEST_API_KEY } } }));
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
