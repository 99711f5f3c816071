/**
 * How backups deploy. On the Docker targets: a daemon running its own cron (`backup schedule`)
 * with Redis's data volume read-only and backups on its own volume. On aws: Qdrant snapshots as
 * an EventBridge-scheduled ECS task writing to the stack's S3 bucket; ElastiCache snapshots
 * itself, so there is no Redis run there. Both read BackupEnvSchema (config.ts).
 */
import { defineService, IMAGE_STATE_DIR, requireObjectStore, type EnvName, type EnvSpec } from "../../infra/descriptor.js";
import type { BackupEnvSchema } from "./config.js";

type BackupVariable = EnvName<typeof BackupEnvSchema>;

/** Schedules and retention from the stack configuration. */
const scheduleEnv: EnvSpec<BackupVariable> = {
  BACKUP_SCHEDULE_QDRANT: (c) => c.backup.qdrantSchedule,
  BACKUP_KEEP_HOURLY: (c) => String(c.backup.keepHourly),
  BACKUP_KEEP_DAILY: (c) => String(c.backup.keepDaily),
  BACKUP_KEEP_WEEKLY: (c) => String(c.backup.keepWeekly),
  LOG_LEVEL: (c) => c.logLevel,
};

const limits = { memoryMb: 512, cpus: 0.5, pidsLimit: 128 };

export const backupDeploy = defineService<BackupVariable>({
  name: "backup",
  description: "scheduled Qdrant snapshots and Redis RDB copies with retention",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "daemon" },
    command: ["backup", "schedule"],
    env: {
      ...scheduleEnv,
      REDIS_URL: (c) => c.redisUrl,
      REDIS_RDB_PATH: () => "/data/dump.rdb",
      QDRANT_URL: (c) => c.qdrantUrl,
      BACKUP_STORAGE: () => "local",
      BACKUP_DIR: () => `${IMAGE_STATE_DIR}/backups`,
      BACKUP_WORK_DIR: () => `${IMAGE_STATE_DIR}/work`,
      BACKUP_METRICS_FILE: () => `${IMAGE_STATE_DIR}/metrics/backup.prom`,
      BACKUP_SCHEDULE_REDIS: (c) => c.backup.redisSchedule,
    },
    secrets: { REDIS_PASSWORD: "redisPassword", QDRANT_API_KEY: "qdrantApiKey" },
    tmpfsPaths: ["/tmp"],
    // Redis's data read-only (the RDB the backup copies); backups on the service's own volume.
    volumes: [
      { owner: "redis", role: "data", path: "/data", readOnly: true },
      { owner: "own", role: "data", path: IMAGE_STATE_DIR, readOnly: false },
    ],
    limits,
    backends: ["qdrant", "redis"],
    stateless: false,
  },
  runOn: {
    aws: {
      shape: {
        kind: "scheduled",
        runs: [{ id: "qdrant", cron: (c) => c.backup.qdrantSchedule, description: "Qdrant snapshots to S3 (quantmind backup run qdrant)" }],
        alerts: {
          namespace: "QuantMind/Backups",
          failure: {
            metric: "BackupFailures",
            pattern: '{ $.level >= 50 && $.msg = "backup of * failed" }',
            description: "A Qdrant backup run failed: see the /quantmind/*-backup log group; run it again with the run-task command in the stack outputs",
          },
          success: {
            metric: "BackupSuccesses",
            pattern: '{ $.msg = "backup of * complete" }',
            description: "No Qdrant backup has succeeded for 24 hours: check the schedule and the backup task's logs",
            withinHours: 24,
          },
        },
      },
      command: ["backup", "run", "qdrant"],
      env: {
        ...scheduleEnv,
        QDRANT_URL: (c) => c.qdrantUrl,
        BACKUP_STORAGE: () => "s3",
        BACKUP_S3_BUCKET: (c) => requireObjectStore(c, "backup").bucket,
        BACKUP_S3_PREFIX: (c) => requireObjectStore(c, "backup").prefix,
        BACKUP_S3_REGION: (c) => requireObjectStore(c, "backup").region,
        BACKUP_S3_SSE: () => "AES256",
      },
      secrets: { QDRANT_API_KEY: "qdrantApiKey" },
      tmpfsPaths: ["/tmp"],
      limits,
      backends: ["qdrant"],
      stateless: false,
      objectStore: true,
      // These resources were the Backups component's before backups had a descriptor.
      awsFormerParent: { type: "quantmind:aws:Backups", name: "backup" },
    },
  },
  parse: async (env) => (await import("./config.js")).loadBackupConfig(env),
});
