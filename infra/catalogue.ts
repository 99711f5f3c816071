/**
 * The service catalogue: what each `quantmind` sub-command needs to run, independent of where it
 * runs. Every target deploys these entries the same way, so a new service is one entry here.
 */
import type { ServiceSecretKey } from "../stacks/secrets.js";
import type { ContainerLimits } from "./hardening.js";

/** What the target knows about the running backends and the stack, for building env values. */
export interface ServiceContext {
  /** Qdrant's REST URL as the service reaches it (private network). */
  qdrantUrl: string;
  /** Redis URL without credentials (the password comes as a secret file). */
  redisUrl: string;
  logLevel: string;
  kbCollection: string;
  /** Backup schedule and retention, from the stack configuration. */
  backup: BackupSettings;
}

/** When the backup service backs each store up, and how many backups it keeps (stack config `backup*`). */
export interface BackupSettings {
  /** 5-field cron expressions, UTC. */
  redisSchedule: string;
  qdrantSchedule: string;
  keepHourly: number;
  keepDaily: number;
  keepWeekly: number;
}

/** A persistent volume of a service on the Docker targets (tmpfs paths are separate). */
export interface ServiceVolume {
  /** `own`: the service's own named volume `<prefix>-<service>-<role>`; a backend: that backend's volume `<prefix>-<backend>-<role>`. */
  owner: "own" | "redis" | "qdrant";
  role: string;
  path: string;
  readOnly: boolean;
}

export interface ServiceDefinition {
  /** Service name: container and ECS service names end with it. */
  name: string;
  /** One line for humans (outputs, README). */
  description: string;
  /** Arguments to the image's `quantmind` entrypoint. */
  command: readonly string[];
  /** `daemon` runs and restarts; `job` runs to completion once per deploy before its dependants start. */
  lifecycle: "daemon" | "job";
  /** HTTP port inside the container: `/healthz` for health, `/mcp` when {@link mcp} is set. */
  port?: number;
  /** Reached by MCP clients at `/mcp` with an API key: listed in the endpoint and client-config outputs. */
  mcp?: { clientName: string; apiKeySecret: ServiceSecretKey };
  /** Non-secret environment. */
  env(context: ServiceContext): Record<string, string>;
  /** Secret environment: variable name -> stack secret. Delivered as a file (`<VAR>_FILE`) or, on ECS, by Secrets Manager. */
  secrets: Readonly<Record<string, ServiceSecretKey>>;
  /** Writable paths (tmpfs); everything else is read-only. */
  tmpfsPaths: readonly string[];
  /** Persistent volumes on the Docker targets; default none. */
  volumes?: readonly ServiceVolume[];
  limits: ContainerLimits;
  /** Backends it needs up first. */
  backends: readonly ("qdrant" | "redis")[];
  /** Catalogue entries (jobs) that must have completed first. */
  after: readonly string[];
  /** Safe to run several copies behind a load balancer (autoscaled on aws). */
  stateless: boolean;
}

/** Where services keep run-time files: inside the /tmp tmpfs, never the image. */
const DATA_DIR = "/tmp/quantmind";

const kbEnv = (c: ServiceContext): Record<string, string> => ({
  QDRANT_URL: c.qdrantUrl,
  KB_COLLECTION: c.kbCollection,
  QM_DATA_DIR: DATA_DIR,
  LOG_LEVEL: c.logLevel,
});

/**
 * The backup service's own volume on Docker targets. It is mounted over the image's
 * /var/lib/quantmind, which the service user owns, so Docker gives the new volume that owner.
 */
export const BACKUP_VOLUME_PATH = "/var/lib/quantmind";

/** The backup service's environment on the Docker targets (aws swaps in S3: components/aws/backups.ts). */
const backupEnv = (c: ServiceContext): Record<string, string> => ({
  REDIS_URL: c.redisUrl,
  REDIS_RDB_PATH: "/data/dump.rdb",
  QDRANT_URL: c.qdrantUrl,
  BACKUP_STORAGE: "local",
  BACKUP_DIR: `${BACKUP_VOLUME_PATH}/backups`,
  BACKUP_WORK_DIR: `${BACKUP_VOLUME_PATH}/work`,
  BACKUP_METRICS_FILE: `${BACKUP_VOLUME_PATH}/metrics/backup.prom`,
  BACKUP_SCHEDULE_REDIS: c.backup.redisSchedule,
  BACKUP_SCHEDULE_QDRANT: c.backup.qdrantSchedule,
  BACKUP_KEEP_HOURLY: String(c.backup.keepHourly),
  BACKUP_KEEP_DAILY: String(c.backup.keepDaily),
  BACKUP_KEEP_WEEKLY: String(c.backup.keepWeekly),
  LOG_LEVEL: c.logLevel,
});

export const KB_MCP_PORT = 8000;
export const QC_MCP_PORT = 8001;

export const SERVICE_CATALOGUE: readonly ServiceDefinition[] = [
  {
    name: "kb-indexer",
    description: "indexes the bundled MQL5 articles into Qdrant (one-shot, incremental)",
    command: ["index"],
    lifecycle: "job",
    env: (c) => ({ ...kbEnv(c), KB_EMBED_WORKERS: "2" }),
    secrets: { QDRANT_API_KEY: "qdrantApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 2048, cpus: 2, pidsLimit: 256 },
    backends: ["qdrant"],
    after: [],
    stateless: false,
  },
  {
    name: "kb-mcp",
    description: "knowledge-base MCP server over Streamable HTTP",
    command: ["serve", "kb", "--transport", "http", "--host", "0.0.0.0", "--port", String(KB_MCP_PORT)],
    lifecycle: "daemon",
    port: KB_MCP_PORT,
    mcp: { clientName: "quantmind-kb", apiKeySecret: "kbMcpApiKey" },
    env: kbEnv,
    secrets: { QDRANT_API_KEY: "qdrantApiKey", MCP_API_KEY: "kbMcpApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 1024, cpus: 1, pidsLimit: 256 },
    backends: ["qdrant"],
    after: ["kb-indexer"],
    stateless: true,
  },
  {
    // On aws this entry runs as a Lambda behind API Gateway instead (infra/targets/aws.ts).
    name: "qc-mcp",
    description: "QuantConnect API v2 MCP server over Streamable HTTP",
    command: ["serve", "qc", "--transport", "http", "--host", "0.0.0.0", "--port", String(QC_MCP_PORT)],
    lifecycle: "daemon",
    port: QC_MCP_PORT,
    mcp: { clientName: "quantmind-qc", apiKeySecret: "qcMcpApiKey" },
    env: (c) => ({ QM_DATA_DIR: DATA_DIR, LOG_LEVEL: c.logLevel }),
    secrets: { QC_USER_ID: "qcUserId", QC_API_TOKEN: "qcApiToken", MCP_API_KEY: "qcMcpApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
    backends: [],
    after: [],
    stateless: true,
  },
  {
    // On aws this entry runs as scheduled ECS tasks writing to S3 instead (components/aws/backups.ts).
    name: "backup",
    description: "scheduled Qdrant snapshots and Redis RDB copies with retention",
    command: ["backup", "schedule"],
    lifecycle: "daemon",
    env: backupEnv,
    secrets: { REDIS_PASSWORD: "redisPassword", QDRANT_API_KEY: "qdrantApiKey" },
    tmpfsPaths: ["/tmp"],
    // Redis's data read-only (the RDB the backup copies); backups on the service's own volume.
    volumes: [
      { owner: "redis", role: "data", path: "/data", readOnly: true },
      { owner: "own", role: "data", path: BACKUP_VOLUME_PATH, readOnly: false },
    ],
    limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
    backends: ["qdrant", "redis"],
    after: [],
    stateless: false,
  },
];

/** Where the image keeps the application (see the Dockerfile). */
export const IMAGE_APP_DIR = "/app";

/**
 * The health probe of a daemon, run inside its container: GET /healthz on its port. A plain-JS
 * script with no imports, so a probe costs a bare `node` start, not the CLI's.
 */
export function healthcheckCommand(port: number): string[] {
  return ["CMD", "node", `${IMAGE_APP_DIR}/bin/healthcheck.js`, String(port)];
}

/**
 * When the health probe runs, for daemons and backends alike: the same as the image's HEALTHCHECK
 * (see the Dockerfile; the container tests check the two agree). A probe every 5 s reports a
 * service that starts in 1-2 s healthy within about 5 s, also on engines older than Docker 25,
 * which ignore start intervals; three failures in a row after a 30 s grace period is unhealthy.
 */
export const HEALTHCHECK_TIMING = { intervalSeconds: 5, timeoutSeconds: 5, startPeriodSeconds: 30, retries: 3 } as const;

/** Where secret files are mounted in every container (a per-container volume). */
export const SECRETS_DIR = "/run/secrets";

/** Catalogue entries the aws target runs on Lambda behind API Gateway instead of on Fargate. */
export const LAMBDA_SERVICES: ReadonlySet<string> = new Set(["qc-mcp"]);

/** Catalogue entries the aws target runs as EventBridge-scheduled ECS tasks instead of a service. */
export const SCHEDULED_TASK_SERVICES: ReadonlySet<string> = new Set(["backup"]);

/** The file a secret variable is delivered as inside a container. */
export function secretFilePath(variable: string): string {
  return `${SECRETS_DIR}/${variable}`;
}

/** The backup settings of a stack's configuration. */
export function backupSettings(config: {
  backupRedisSchedule: string;
  backupQdrantSchedule: string;
  backupKeepHourly: number;
  backupKeepDaily: number;
  backupKeepWeekly: number;
}): BackupSettings {
  return {
    redisSchedule: config.backupRedisSchedule,
    qdrantSchedule: config.backupQdrantSchedule,
    keepHourly: config.backupKeepHourly,
    keepDaily: config.backupKeepDaily,
    keepWeekly: config.backupKeepWeekly,
  };
}
