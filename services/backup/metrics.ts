/**
 * Backup metrics as a Prometheus textfile (node_exporter's textfile collector format).
 *
 * A backup run is a short process, or a timer inside the schedule daemon, with no port to scrape;
 * a file that outlives the run is what an alert can read. The timestamp of the last success
 * catches runs that fail and runs that never happen alike:
 * `time() - qm_backup_last_success_timestamp_seconds > 2 * interval`.
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { BackupStore } from "./manifest.js";
import { writeFileAtomic } from "./storage/local-storage.js";

const HELP: Record<string, [type: "gauge" | "counter", help: string]> = {
  qm_backup_last_success_timestamp_seconds: ["gauge", "Unix time the last successful backup of the store completed."],
  qm_backup_last_failure_timestamp_seconds: ["gauge", "Unix time the last failed backup run of the store ended."],
  qm_backup_last_run_ok: ["gauge", "1 when the store's last backup run succeeded, 0 when it failed."],
  qm_backup_failures_total: ["counter", "Failed backup runs of the store since the metrics file was created."],
  qm_backup_last_size_bytes: ["gauge", "Total bytes of the store's last successful backup."],
  qm_backup_last_duration_seconds: ["gauge", "Duration of the store's last backup run."],
};

export type RunOutcome = { ok: true; bytes: number; durationMs: number } | { ok: false; durationMs: number };

export interface BackupMetrics {
  record(store: BackupStore, outcome: RunOutcome, at?: Date): Promise<void>;
}

/** Keeps the metrics of every store in one file; each update rewrites it atomically. */
export class TextfileMetrics implements BackupMetrics {
  constructor(readonly file: string) {}

  async record(store: BackupStore, outcome: RunOutcome, at = new Date()): Promise<void> {
    const values = await this.read();
    const set = (name: string, value: number) => values.set(`${name}{store="${store}"}`, value);
    const now = at.getTime() / 1000;
    set("qm_backup_last_run_ok", outcome.ok ? 1 : 0);
    set("qm_backup_last_duration_seconds", outcome.durationMs / 1000);
    const failures = values.get(`qm_backup_failures_total{store="${store}"}`) ?? 0;
    set("qm_backup_failures_total", failures + (outcome.ok ? 0 : 1));
    if (outcome.ok) {
      set("qm_backup_last_success_timestamp_seconds", now);
      set("qm_backup_last_size_bytes", outcome.bytes);
    } else {
      set("qm_backup_last_failure_timestamp_seconds", now);
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, render(values));
  }

  private async read(): Promise<Map<string, number>> {
    const values = new Map<string, number>();
    const text = await readFile(this.file, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      const match = /^(qm_backup_[a-z_]+\{store="[a-z]+"\}) (\S+)$/.exec(line);
      if (match && Number.isFinite(Number(match[2]))) values.set(match[1]!, Number(match[2]));
    }
    return values;
  }
}

function render(values: Map<string, number>): string {
  const lines: string[] = [];
  for (const [name, [type, help]] of Object.entries(HELP)) {
    const series = [...values].filter(([key]) => key.startsWith(`${name}{`)).sort(([a], [b]) => (a < b ? -1 : 1));
    if (series.length === 0) continue;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...series.map(([key, value]) => `${key} ${value}`));
  }
  return `${lines.join("\n")}\n`;
}
