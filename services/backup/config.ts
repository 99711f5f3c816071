/**
 * Backup service configuration from the environment. Each variable's meaning is its zod
 * description: `npm run docs:env` turns them into the table in docs/configuration.md.
 */
import { z } from "zod";
import { envField, parseEnv, type Env } from "../shared/config.js";

export const BACKUP_SECRETS = ["REDIS_PASSWORD", "QDRANT_API_KEY"] as const;

const count = (fallback: number) => z.coerce.number().int().min(0).max(10_000).default(fallback);

export const BackupEnvSchema = z
  .object({
    BACKUP_STORAGE: z.enum(["local", "s3"]).default("local").describe("`local` (a directory) or `s3`"),
    BACKUP_DIR: z.string().default(".quantmind/backups").describe("The directory for `local`"),
    BACKUP_S3_BUCKET: z.string().min(3).optional().describe("The bucket for `s3` (required with it)"),
    BACKUP_S3_PREFIX: z.string().default("quantmind/").describe("Key prefix in the bucket"),
    BACKUP_S3_REGION: z.string().optional().meta({ description: "The bucket's region", docDefault: "`AWS_REGION`" }),
    AWS_REGION: z.string().optional().describe("The AWS region, used for the bucket when `BACKUP_S3_REGION` is unset"),
    BACKUP_S3_ENDPOINT: envField.url().optional().meta({ description: "An S3-compatible endpoint (path-style)", docDefault: "AWS" }),
    BACKUP_S3_SSE: z.enum(["AES256", "aws:kms"]).default("AES256").describe("Server-side encryption of every object"),
    BACKUP_S3_KMS_KEY_ID: z.string().optional().describe("With `aws:kms`: the key (default: the account's S3 key)"),
    REDIS_URL: z
      .string()
      .regex(/^redis:\/\//, "expected redis://host:port")
      .optional()
      .describe("`redis://host:port`; unset: no Redis backups by this process"),
    REDIS_PASSWORD: z.string().optional().describe("Redis password"),
    REDIS_RDB_PATH: z.string().default("/data/dump.rdb").describe("The server's RDB file as the backup process sees it (the data volume, mounted read-only)"),
    BACKUP_REDIS_SAVE_TIMEOUT_S: z.coerce.number().int().min(1).default(1800).describe("Longest wait for BGSAVE, in seconds"),
    QDRANT_URL: envField.url().optional().describe("Qdrant REST URL; unset: no Qdrant backups by this process"),
    QDRANT_API_KEY: z.string().optional().describe("Qdrant API key"),
    QDRANT_SNAPSHOT_MODE: z
      .enum(["collections", "full"])
      .default("collections")
      .describe("`collections` (one snapshot each, restorable by API) or `full` (the whole storage)"),
    QDRANT_COLLECTIONS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((c) => c.trim()).filter(Boolean))
      .meta({ description: "Comma-separated collections to snapshot", docDefault: "every collection" }),
    BACKUP_SCHEDULE_REDIS: z.string().default("0 * * * *").describe("When `backup schedule` backs Redis up: 5-field cron, UTC (hourly on the hour)"),
    BACKUP_SCHEDULE_QDRANT: z.string().default("15 * * * *").describe("When `backup schedule` snapshots Qdrant: 5-field cron, UTC (hourly at :15)"),
    BACKUP_KEEP_HOURLY: count(24).describe("Retention: the newest backup of each of the last N hours is kept"),
    BACKUP_KEEP_DAILY: count(7).describe("Retention: the newest backup of each of the last N days is kept"),
    BACKUP_KEEP_WEEKLY: count(4).describe("Retention: the newest backup of each of the last N ISO weeks is kept"),
    BACKUP_METRICS_FILE: z
      .string()
      .optional()
      .meta({ description: "Prometheus textfile the runs update", docDefault: "`<BACKUP_DIR>/metrics/backup.prom` for local storage, none for S3" }),
    BACKUP_WORK_DIR: z.string().optional().meta({ description: "Where a capture is assembled before it is stored", docDefault: "the OS temp directory" }),
    LOG_LEVEL: envField.logLevel(),
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
