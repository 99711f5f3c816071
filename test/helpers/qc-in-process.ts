/**
 * The QuantConnect MCP server in the test's own process, reached by the official SDK client
 * over the SDK's in-memory transport: the fast way to exercise every tool's schema, gates and
 * results. Its log lines are captured for the no-secrets checks.
 */
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createLogger } from "../../services/shared/logger.js";
import { loadQcConfig } from "../../services/qc/config.js";
import type { QcDeps } from "../../services/qc/deps.js";
import { createQcDeps, type QcDepsOverrides } from "../../services/qc/app.js";
import { createQcServer } from "../../services/qc/server.js";
import type { QcApiServer } from "./qc-api-server.js";

export interface InProcessQc {
  client: Client;
  deps: QcDeps;
  /** Every log line so far. */
  logs: () => string;
  call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;
  close: () => Promise<void>;
}

/** The environment that points the server at the stand-in, plus `extra`. */
export function qcTestEnv(api: QcApiServer, extra: Record<string, string> = {}): Record<string, string> {
  return { QC_USER_ID: api.userId, QC_API_TOKEN: api.apiToken, QC_API_URL: api.url, QC_ENABLE_LIVE_TRADING: "true", LOG_LEVEL: "debug", ...extra };
}

export function captureLogs(): { destination: Writable; text: () => string } {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { destination, text: () => text };
}

export async function connectInProcess(env: Record<string, string>, overrides: QcDepsOverrides = {}): Promise<InProcessQc> {
  const config = loadQcConfig(env);
  const logs = captureLogs();
  const deps = createQcDeps(config, createLogger("qc-test", { level: config.LOG_LEVEL, destination: logs.destination }), overrides);
  const server = createQcServer(deps);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "qc-test", version: "1.0.0" });
  await client.connect(clientTransport);
  return {
    client,
    deps,
    logs: logs.text,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export function resultText(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
