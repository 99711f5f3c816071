/**
 * Backup service configuration from the environment. Every variable, its default and meaning is
 * listed in the README's environment table; keep the two in step.
 */
import { z } from "zod";
import { envField, parseEnv, type Env } from "../shared/config.js";

export const BACKUP_SECRETS = ["REDIS_PASSWORD", "QDRANT_API_KEY"] as const;

const count = (fallback: number) => z.coerce.number().int().min(0).max(10_000).default(fallback);

export const BackupEnvSchema = z
  .object({
    /** `local` (a directory) or `s3`. */
    BACKUP_STORAGE: z.enum(["local", "s3"]).default("local"),
    /** The directory for `local`; default `.quantmind/backups`. */
    BACKUP_DIR: z.string().default(".quantmind/backups"),
    BACKUP_S3_BUCKET: z.string().min(3).optional(),
    /** Key prefix in the bucket; default `quantmind/`. */
    BACKUP_S3_PREFIX: z.string().default("quantmind/"),
    /** Default AWS_REGION. */
    BACKUP_S3_REGION: z.string().optional(),
    AWS_REGION: z.string().optional(),
    /** An S3-compatible endpoint (path-style); default AWS. */
    BACKUP_S3_ENDPOINT: envField.url().optional(),
    /** `AES256` (default) or `aws:kms`. */
    BACKUP_S3_SSE: z.enum(["AES256", "aws:kms"]).default("AES256"),
    BACKUP_S3_KMS_KEY_ID: z.string().optional(),
    /** Unset: Redis is not backed up by this process. */
    REDIS_URL: z.string().regex(/^redis:\/\//, "expected redis://host:port").optional(),
    REDIS_PASSWORD: z.string().optional(),
    /** The server's RDB file as this process sees it (the data volume, mounted read-only). */
    REDIS_RDB_PATH: z.string().default("/data/dump.rdb"),
    BACKUP_REDIS_SAVE_TIMEOUT_S: z.coerce.number().int().min(1).default(1800),
    /** Unset: Qdrant is not backed up by this process. */
    QDRANT_URL: envField.url().optional(),
    QDRANT_API_KEY: z.string().optional(),
    /** `collections` (one snapshot each, restorable by API; default) or `full` (the whole storage). */
    QDRANT_SNAPSHOT_MODE: z.enum(["collections", "full"]).default("collections"),
    /** Comma-separated; default every collection. */
    QDRANT_COLLECTIONS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((c) => c.trim()).filter(Boolean)),
    /** 5-field cron, UTC. Defaults: Redis hourly on the hour, Qdrant hourly at :15. */
    BACKUP_SCHEDULE_REDIS: z.string().default("0 * * * *"),
    BACKUP_SCHEDULE_QDRANT: z.string().default("15 * * * *"),
    BACKUP_KEEP_HOURLY: count(24),
    BACKUP_KEEP_DAILY: count(7),
    BACKUP_KEEP_WEEKLY: count(4),
    /** Prometheus textfile; default `<BACKUP_DIR>/metrics/backup.prom` for local storage, none for S3. */
    BACKUP_METRICS_FILE: z.string().optional(),
    /** Where captures are assembled before upload; default the OS temp directory. */
    BACKUP_WORK_DIR: z.string().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.BACKUP_STORAGE !== "s3") return;
    if (!env.BACKUP_S3_BUCKET) ctx.addIssue({ code: "custom", path: ["BACKUP_S3_BUCKET"], message: "is required when BACKUP_STORAGE=s3" });
    if (!env.BACKUP_S3_REGION && !env.AWS_REGION) ctx.addIssue({ code: "custom", path: ["BACKUP_S3_REGION"], message: "is required when BACKUP_STORAGE=s3 (or set AWS_REGION)" });
  });

export type BackupConfig = z.infer<typeof BackupEnvSchema>;

export function loadBackupConfig(env: Env = process.env): BackupConfig {
  return parseEnv(BackupEnvSchema, env, { secrets: BACKUP_SECRETS });
}
