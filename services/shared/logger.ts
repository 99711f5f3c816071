/**
 * Structured JSON logging to stderr (stdout belongs to the MCP stdio transport).
 *
 * Secrets are kept out twice over: fields that carry them by name are redacted, and every
 * secret value the process knows of (see `registerSecret`) is scrubbed from any log line,
 * whatever field or message it ended up in. The user-info of any URL (`user:password@`) is
 * blanked too.
 */
import { pino, type Logger } from "pino";
import { redactUrlCredentials } from "./redact-url.js";

export type { Logger };

const REDACTED = "[redacted]";
const knownSecrets = new Set<string>();

/** Secrets shorter than this are not scrubbed by value: too likely to match ordinary text. */
const MIN_SCRUBBED_LENGTH = 6;

/** Field paths whose values are secrets wherever they appear. */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
];

/** Marks a value as secret: it is replaced by `[redacted]` in every later log line. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SCRUBBED_LENGTH) knownSecrets.add(value);
}

/** Replaces every registered secret value in `text`. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of knownSecrets) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed;
}

export interface LoggerOptions {
  /** pino level; default `info`. */
  level?: string;
  /** Where lines go; default stderr. Tests pass a stream to read the lines back. */
  destination?: NodeJS.WritableStream;
}

/** Creates the process logger. Call once at an entry point and pass it down. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const scrubbingStream = {
    write(line: string) {
      const scrubbed = knownSecrets.size > 0 ? scrubSecrets(line) : line;
      destination.write(scrubbed.includes("@") ? redactUrlCredentials(scrubbed) : scrubbed);
    },
  };
  return pino(
    {
      name,
      level: options.level ?? "info",
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbingStream,
  );
}
