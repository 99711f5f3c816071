/**
 * A progress bar on stderr for long-running commands. On a terminal it redraws in place;
 * elsewhere (CI, pipes) it prints a line every few seconds so logs still show progress.
 */
import cliProgress from "cli-progress";

export interface ProgressBar {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgressBar(label: string): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ({percentage}%) eta {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 3000,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), done);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
