/**
 * Stops a long-running command cleanly on SIGINT (Ctrl+C) or SIGTERM (container stop): the stop
 * function closes servers and stores, then the process exits 0, or 1 with one line if it failed.
 */
import { scrubSecrets } from "../logger.js";

/** Something running that can be stopped; resolves once everything is closed. */
export type Stop = () => Promise<void>;

export function shutdownOnSignal(stop: Stop): void {
  const handler = () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`quantmind: shutdown failed: ${scrubSecrets(String((error as Error)?.message ?? error))}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}
