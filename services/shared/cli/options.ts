/** Option parsers and helpers every service's commands share. */
import { InvalidArgumentError, type Command } from "commander";
import type { Env } from "../config.js";

/** Commander parser for `--port`: an integer 0-65535 (0 picks a free port), kept as a string for the env schema. */
export function portOption(value: string): string {
  // Digits only: Number("") and Number(" ") are 0, which would silently pick a random port.
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("expected a port number 0-65535");
  return value;
}

/**
 * The environment with command-line options laid over it: options override the variable they
 * name, and an option that was not given leaves the variable as it is.
 */
export function envWith(overrides: Record<string, string | undefined>, env: Env = process.env): Env {
  const merged: Env = { ...env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) merged[name] = value;
  return merged;
}

/**
 * The sub-command group `name` (e.g. `serve`, `worker`), created on first use. Services register
 * into shared groups in any order without knowing about each other.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
}
