/**
 * Runs the assembled CLI and turns a failure into one line on stderr: a known QuantMind error
 * shows its message (secrets scrubbed), anything else its stack. Exit code 2 for bad
 * configuration, 1 for any other failure.
 */
import type { Command } from "commander";
import { ConfigError, QuantMindError } from "../errors.js";
import { scrubSecrets } from "../logger.js";

/** Exit code of a command stopped by bad configuration (a variable, an option, a missing store). */
export const EXIT_CONFIG = 2;

export async function runCli(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.stderr.write(`quantmind: ${describeFailure(error)}\n`);
    process.exitCode = error instanceof ConfigError ? EXIT_CONFIG : 1;
  }
}

/** The text after `quantmind: `. Unknown errors keep their stack: they are bugs to report. */
export function describeFailure(error: unknown): string {
  const message = error instanceof QuantMindError ? error.message : String((error as Error)?.stack ?? error);
  return scrubSecrets(message);
}
