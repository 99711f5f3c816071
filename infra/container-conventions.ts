/**
 * How every container the targets run is laid out: where the image keeps the application,
 * where secret files are mounted, the health probe and its timing. Shared by the Docker and
 * ECS components and by the container test tier, so tests run exactly what `pulumi up` deploys.
 */
import { DEFAULT_HEALTH_PATH, type BackupSettings, type EmbedderSettings } from "./descriptor.js";

/** Where the image keeps the application (see the Dockerfile). */
export const IMAGE_APP_DIR = "/app";

/** Where secret files are mounted in every container (a per-container volume). */
export const SECRETS_DIR = "/run/secrets";

/** The file a secret variable is delivered as inside a container. */
export function secretFilePath(variable: string): string {
  return `${SECRETS_DIR}/${variable}`;
}

/**
 * The health probe of a daemon, run inside its container: GET `path` (default /healthz) on its
 * port. A plain-JS script with no imports, so a probe costs a bare `node` start, not the CLI's.
 */
export function healthcheckCommand(port: number, path: string = DEFAULT_HEALTH_PATH): string[] {
  return ["CMD", "node", `${IMAGE_APP_DIR}/bin/healthcheck.js`, String(port), ...(path === DEFAULT_HEALTH_PATH ? [] : [path])];
}

/**
 * When the health probe runs, for daemons and backends alike: the same as the image's HEALTHCHECK
 * (see the Dockerfile; the container tests check the two agree). A probe every 5 s reports a
 * service that starts in 1-2 s healthy within about 5 s, also on engines older than Docker 25,
 * which ignore start intervals; three failures in a row after a 30 s grace period is unhealthy.
 */
export const HEALTHCHECK_TIMING = { intervalSeconds: 5, timeoutSeconds: 5, startPeriodSeconds: 30, retries: 3 } as const;

/** The knowledge base's embedder settings of a stack's configuration (only those it sets). */
export function embedderSettings(config: { kbEmbedder?: EmbedderSettings["kind"]; embeddingsUrl?: string; embeddingsModel?: string }): EmbedderSettings {
  return {
    ...(config.kbEmbedder !== undefined && { kind: config.kbEmbedder }),
    ...(config.embeddingsUrl !== undefined && { url: config.embeddingsUrl }),
    ...(config.embeddingsModel !== undefined && { model: config.embeddingsModel }),
  };
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
