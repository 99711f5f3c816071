/**
 * Retention: keep the newest backup of each of the last N hours, N days and N weeks (UTC) that
 * have one, like restic's `--keep-hourly/daily/weekly`; everything else is pruned. The newest
 * backup is always kept, whatever the policy. Only complete backups are ever considered.
 */

export interface RetentionPolicy {
  /** Hourly buckets kept (each the newest backup within one clock hour). */
  hourly: number;
  daily: number;
  weekly: number;
}

export interface DatedBackup {
  id: string;
  /** When the backup started; ties are broken by id. */
  startedAt: string;
}

const hourKey = (d: Date) => d.toISOString().slice(0, 13);
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** ISO-8601 week (weeks start on Monday), e.g. `2026-W47`. */
export function isoWeekKey(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** Newest first; equal times by id descending, so the order is total and stable. */
export function newestFirst<T extends DatedBackup>(backups: readonly T[]): T[] {
  return [...backups].sort((a, b) => {
    const byTime = Date.parse(b.startedAt) - Date.parse(a.startedAt);
    return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

/** Splits `backups` into those the policy keeps and those to prune. */
export function planRetention<T extends DatedBackup>(backups: readonly T[], policy: RetentionPolicy): { keep: T[]; prune: T[] } {
  const sorted = newestFirst(backups);
  const kept = new Set<string>();
  if (sorted[0]) kept.add(sorted[0].id);
  for (const [count, key] of [
    [policy.hourly, hourKey],
    [policy.daily, dayKey],
    [policy.weekly, isoWeekKey],
  ] as const) {
    const seen = new Set<string>();
    for (const backup of sorted) {
      if (seen.size >= count) break;
      const bucket = key(new Date(backup.startedAt));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      kept.add(backup.id);
    }
  }
  return { keep: sorted.filter((b) => kept.has(b.id)), prune: sorted.filter((b) => !kept.has(b.id)) };
}
