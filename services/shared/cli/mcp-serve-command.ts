/**
 * `quantmind serve <name>`: the one shape every MCP service's serve command has. stdio for
 * clients that launch the server, or HTTP on MCP_HOST:MCP_PORT (the options override them).
 */
import { Option, type Command } from "commander";
import type { Env } from "../config.js";
import { commandGroup, envWith, portOption } from "./options.js";
import { shutdownOnSignal, type Stop } from "./shutdown.js";

export type McpTransport = "stdio" | "http";

export interface McpServeSpec {
  /** The sub-command: `serve <name>`. */
  name: string;
  description: string;
  /** The service's default MCP_PORT, shown in the help. */
  defaultPort: number;
  /**
   * Serves. `env` is the process environment with `--host`/`--port` applied as MCP_HOST/MCP_PORT.
   * Resolves when stdio ends (nothing to stop), or once HTTP listens with a function that stops it.
   */
  serve(transport: McpTransport, env: Env): Promise<Stop | undefined>;
}

/** Adds `serve <spec.name>` under the shared `serve` group. */
export function registerMcpServeCommand(program: Command, spec: McpServeSpec): Command {
  return commandGroup(program, "serve", "run an MCP service")
    .command(spec.name)
    .description(spec.description)
    .addOption(new Option("--transport <kind>", "stdio for clients that launch the server, http to listen").choices(["stdio", "http"]).default("stdio"))
    .option("--host <address>", "HTTP interface (env MCP_HOST; default 127.0.0.1)")
    .option("--port <n>", `HTTP port (env MCP_PORT; default ${spec.defaultPort})`, portOption)
    .action(async (options: { transport: McpTransport; host?: string; port?: string }) => {
      const stop = await spec.serve(options.transport, envWith({ MCP_HOST: options.host, MCP_PORT: options.port }));
      if (stop) shutdownOnSignal(stop);
    });
}
