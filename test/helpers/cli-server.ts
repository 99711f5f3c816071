/**
 * Starts a `quantmind serve <service> --transport http --port 0` child process and waits for the
 * "listening" log line that carries its URL; shared by the knowledge-base and QuantConnect helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const CLI = path.resolve(fileURLToPath(new URL("../../bin/quantmind.js", import.meta.url)));

export interface RunningCliServer {
  child: ChildProcess;
  /** The MCP endpoint the server logged. */
  mcpUrl: string;
  /** Everything the server wrote to stderr. */
  stderr: () => string;
  stop: () => Promise<void>;
}

/** The server must log at info or below: the URL is in its "listening" line. */
export async function startCliHttpServer(service: string, env: Record<string, string>): Promise<RunningCliServer> {
  const child = spawn(process.execPath, [CLI, "serve", service, "--transport", "http", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM"); // never leave a server behind
      reject(new Error(`server did not print its URL in 60 s:\n${stderr}`));
    }, 60_000);
    child.stderr.on("data", (chunk) => {
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

/** An official MCP client connected to a CLI server, over stdio or HTTP. */
export interface ConnectedCli {
  client: Client;
  /** Set for HTTP: the MCP endpoint. */
  mcpUrl?: string;
  /** Everything the server wrote to stderr. */
  stderr: () => string;
  close: () => Promise<void>;
}

/** Launches `serve <service> --transport stdio` as a client would, and connects to it. */
export async function connectCliStdio(service: string, env: Record<string, string>): Promise<ConnectedCli> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "serve", service, "--transport", "stdio"], env, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const client = new Client({ name: `${service}-e2e`, version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Starts `serve <service> --transport http` and connects with `apiKey`; closing stops the server. */
export async function connectCliHttp(service: string, env: Record<string, string>, apiKey: string): Promise<ConnectedCli> {
  const server = await startCliHttpServer(service, env);
  const client = new Client({ name: `${service}-e2e`, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { "x-api-key": apiKey } } }));
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
