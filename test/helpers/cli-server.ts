/**
 * Starts a `quantmind serve <service> --transport http --port 0` child process and waits for the
 * "listening" log line that carries its URL; shared by the knowledge-base and QuantConnect helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
