/**
 * `quantmind start` (what `npm start` runs): brings up every single-user service in one process,
 * in the order listed, and stops them in reverse on Ctrl+C. Each service contributes a
 * `StartPart`; a part may add its own options (the knowledge base adds `--port`).
 */
import type { Command, Option } from "commander";
import { ConfigError } from "../errors.js";
import { shutdownOnSignal, type Stop } from "./shutdown.js";

export interface StartPart {
  /** Names the part in a failure, e.g. `knowledge base`. */
  name: string;
  /** Options this part adds to `quantmind start`; each part sees all parsed options. */
  options?: readonly Option[];
  /** Starts; resolves once serving, after printing where to connect on `out`, with a function that stops it. */
  start(options: Record<string, unknown>, out: NodeJS.WritableStream): Promise<Stop>;
}

/**
 * Starts the parts in order. When one fails, the ones already running are stopped (in reverse)
 * before the failure is rethrown, so no server is left behind.
 */
export async function startParts(parts: readonly StartPart[], options: Record<string, unknown>, out: NodeJS.WritableStream): Promise<Stop> {
  const running: Stop[] = [];
  const stopAll: Stop = async () => {
    const failures: unknown[] = [];
    for (const stop of running.splice(0).reverse()) await stop().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  for (const part of parts) {
    try {
      running.push(await part.start(options, out));
    } catch (error) {
      await stopAll().catch(() => undefined); // the start failure is the one to report
      // Name the part: "port 8002 is already in use" alone does not say whose port it is.
      if (error instanceof ConfigError) throw new ConfigError(`${part.name}: ${error.message}`, { cause: error, code: error.code });
      throw error;
    }
  }
  return stopAll;
}

export function registerStartCommand(program: Command, parts: readonly StartPart[]): Command {
  const command = program
    .command("start")
    .description(`the single-user default: ${parts.map((p) => p.name).join(", ")} in one process, on loopback`);
  for (const option of parts.flatMap((p) => p.options ?? [])) command.addOption(option);
  return command.action(async (options: Record<string, unknown>) => {
    const stop = await startParts(parts, options, process.stdout);
    process.stdout.write("Press Ctrl+C to stop.\n");
    shutdownOnSignal(stop);
  });
}
