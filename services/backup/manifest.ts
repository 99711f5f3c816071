/**
 * The manifest each backup carries: what was backed up, when, from which server version, and
 * every file with its size and sha256. It is written last: a backup without one is incomplete
 * and is neither listed nor restored.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";

export const BACKUP_STORES = ["qdrant", "redis"] as const;
export type BackupStore = (typeof BACKUP_STORES)[number];

export const MANIFEST_NAME = "manifest.json";

export const BackupFileSchema = z.object({
  /** File name inside the backup (no directories). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupFile = z.infer<typeof BackupFileSchema>;

export const ManifestSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string(),
  store: z.enum(BACKUP_STORES),
  /** When the run started (ISO 8601, UTC): the recovery point is at or after this. */
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  source: z.object({
    /** Where the data came from, without credentials. */
    url: z.string(),
    /** The server's version as it reported it. */
    serverVersion: z.string(),
    /** Store-specific facts: RDB version, snapshot mode, collections. */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
  }),
  files: z.array(BackupFileSchema).min(1),
  totalBytes: z.number().int().nonnegative(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Ids sort by time: `<store>-<UTC yyyymmddThhmmssZ>-<6 hex>`. */
export const BACKUP_ID_PATTERN = /^(qdrant|redis)-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function newBackupId(store: BackupStore, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${store}-${stamp}-${randomBytes(3).toString("hex")}`;
}

export function storeOfId(id: string): BackupStore | undefined {
  if (!BACKUP_ID_PATTERN.test(id)) return undefined;
  return id.split("-")[0] as BackupStore;
}
