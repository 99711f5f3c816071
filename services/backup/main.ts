/** The backup service's edge: builds storage, sources and metrics from the parsed configuration. */
import path from "node:path";
import { registerSecret, type Logger } from "../shared/logger.js";
import type { BackupConfig } from "./config.js";
import type { BackupStore } from "./manifest.js";
import { TextfileMetrics } from "./metrics.js";
import { QdrantSnapshotClient } from "./qdrant/qdrant-snapshots.js";
import { QdrantSource } from "./qdrant/qdrant-source.js";
import { RedisSource } from "./redis/redis-source.js";
import { redisTargetFromUrl } from "./redis/redis-connection.js";
import type { BackupDeps } from "./run-backup.js";
import type { BackupSource } from "./source.js";
import { LocalDirectoryStorage } from "./storage/local-storage.js";
import { S3Storage } from "./storage/s3-storage.js";
import type { BackupStorage } from "./storage/storage.js";

export function createStorage(config: BackupConfig): BackupStorage {
  if (config.BACKUP_STORAGE === "local") return new LocalDirectoryStorage(path.resolve(config.BACKUP_DIR));
  return new S3Storage({
    bucket: config.BACKUP_S3_BUCKET!,
    prefix: config.BACKUP_S3_PREFIX,
    region: config.BACKUP_S3_REGION ?? config.AWS_REGION!,
    ...(config.BACKUP_S3_ENDPOINT && { endpoint: config.BACKUP_S3_ENDPOINT }),
    serverSideEncryption: config.BACKUP_S3_SSE,
    ...(config.BACKUP_S3_KMS_KEY_ID && { kmsKeyId: config.BACKUP_S3_KMS_KEY_ID }),
  });
}

export function createQdrantClient(config: BackupConfig): QdrantSnapshotClient | undefined {
  if (!config.QDRANT_URL) return undefined;
  return new QdrantSnapshotClient({ url: config.QDRANT_URL, ...(config.QDRANT_API_KEY && { apiKey: config.QDRANT_API_KEY }) });
}

export function createBackupDeps(config: BackupConfig, logger: Logger): BackupDeps {
  registerSecret(config.REDIS_PASSWORD);
  registerSecret(config.QDRANT_API_KEY);
  const sources: Partial<Record<BackupStore, BackupSource>> = {};
  if (config.REDIS_URL) {
    sources.redis = new RedisSource({
      target: redisTargetFromUrl(config.REDIS_URL, config.REDIS_PASSWORD),
      rdbPath: config.REDIS_RDB_PATH,
      saveTimeoutMs: config.BACKUP_REDIS_SAVE_TIMEOUT_S * 1000,
    });
  }
  const qdrant = createQdrantClient(config);
  if (qdrant) sources.qdrant = new QdrantSource({ client: qdrant, mode: config.QDRANT_SNAPSHOT_MODE, collections: config.QDRANT_COLLECTIONS });
  const metricsFile = config.BACKUP_METRICS_FILE ?? (config.BACKUP_STORAGE === "local" ? path.join(config.BACKUP_DIR, "metrics", "backup.prom") : undefined);
  return {
    storage: createStorage(config),
    sources,
    retention: { hourly: config.BACKUP_KEEP_HOURLY, daily: config.BACKUP_KEEP_DAILY, weekly: config.BACKUP_KEEP_WEEKLY },
    ...(metricsFile && { metrics: new TextfileMetrics(path.resolve(metricsFile)) }),
    logger,
    ...(config.BACKUP_WORK_DIR && { workDir: config.BACKUP_WORK_DIR }),
  };
}
