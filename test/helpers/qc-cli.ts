/**
 * Starts the real `quantmind serve qc` CLI for end-to-end tests, over stdio (the SDK client
 * launches it) or over HTTP (a child process on a free loopback port), pointed at the
 * QuantConnect stand-in.
 */
import { connectCliHttp, connectCliStdio, startCliHttpServer, type ConnectedCli, type RunningCliServer } from "./cli-server.js";
import type { QcApiServer } from "./qc-api-server.js";
import { qcTestEnv } from "./qc-in-process.js";

export const QC_TEST_API_KEY = "qc-e2e-test-key-0123456789abcdef";

export type ConnectedQc = ConnectedCli;

function childEnv(api: QcApiServer, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...qcTestEnv(api), ...extra };
}

export async function connectQcStdio(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<ConnectedQc> {
  return connectCliStdio("qc", childEnv(api, extraEnv));
}

/** Starts `serve qc --transport http --port 0` and waits for its "listening" log line. */
export function startQcHttpServer(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<RunningCliServer> {
  return startCliHttpServer("qc", childEnv(api, { MCP_API_KEY: QC_TEST_API_KEY, ...extraEnv }));
}

export async function connectQcHttp(api: QcApiServer, extraEnv: Record<string, string> = {}): Promise<ConnectedQc> {
  return connectCliHttp("qc", childEnv(api, { MCP_API_KEY: QC_TEST_API_KEY, ...extraEnv }), QC_TEST_API_KEY);
}
