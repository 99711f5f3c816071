/**
 * Starts the real `quantmind serve kb` CLI for end-to-end tests, over stdio (the SDK client
 * launches it) or over HTTP (a child process on a free loopback port).
 */
import { CLI, connectCliHttp, connectCliStdio, startCliHttpServer, type ConnectedCli, type RunningCliServer } from "./cli-server.js";

export { CLI };
export const TEST_API_KEY = "e2e-test-key-0123456789abcdef";

export type ConnectedKb = ConnectedCli;

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
  return connectCliStdio("kb", baseEnv(location, extraEnv));
}

/** Starts `serve kb --transport http --port 0` and waits for its "listening" log line. */
export function startHttpServer(location: KbLocation, extraEnv: Record<string, string> = {}): Promise<RunningCliServer> {
  return startCliHttpServer("kb", baseEnv(location, { MCP_API_KEY: TEST_API_KEY, ...extraEnv }));
}

export async function connectHttp(location: KbLocation, extraEnv: Record<string, string> = {}): Promise<ConnectedKb> {
  return connectCliHttp("kb", baseEnv(location, { MCP_API_KEY: TEST_API_KEY, ...extraEnv }), TEST_API_KEY);
}
