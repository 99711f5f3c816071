/**
 * The third-party backends (Redis, Qdrant) as the Docker targets run them: pinned images, the
 * configuration file each receives as a secret, and their hardening. Shared with the container
 * test tier, like hardening.ts.
 */
import { SECRETS_DIR } from "./container-conventions.js";
import { containerHardening, type ContainerHardening } from "./hardening.js";
import { UnsafeValueError } from "./errors.js";

export const REDIS_IMAGE = "redis:7.4.7-bookworm";
export const QDRANT_IMAGE = "qdrant/qdrant:v1.17.0-unprivileged";

export const REDIS_PORT = 6379;
export const QDRANT_HTTP_PORT = 6333;
export const QDRANT_GRPC_PORT = 6334;

/** Where a backend's secret configuration file is mounted: the same place as the services' secrets. */
export const BACKEND_SECRETS_DIR = SECRETS_DIR;

export interface BackendDefinition {
  image: string;
  /** Container command (the image's entrypoint stays). */
  command: readonly string[];
  /** Persistent paths, each a named volume: role (used in the volume name) -> path. */
  volumes: Readonly<Record<string, string>>;
  /** File name, under {@link BACKEND_SECRETS_DIR}, of the configuration that carries the secret. */
  configFile: string;
  hardening: ContainerHardening;
  /** Health probe run inside the container. */
  healthcheck: readonly string[];
}

/**
 * Redis: AOF on (fsync every second), password from the config file rather than the command
 * line, where `docker inspect` and the process list would show it.
 */
export const REDIS: BackendDefinition = {
  image: REDIS_IMAGE,
  command: ["redis-server", `${BACKEND_SECRETS_DIR}/redis.conf`],
  volumes: { data: "/data" },
  configFile: "redis.conf",
  // The image's redis user owns /data; running as it skips the entrypoint's chown and gosu, which need root.
  hardening: containerHardening({ user: "999:999", tmpfsPaths: ["/tmp"], memoryMb: 1024, cpus: 1, pidsLimit: 128 }),
  // Port and password are read from the config file, so the probe follows a non-default port and
  // the password appears neither in the container's definition nor in the probe's arguments.
  healthcheck: [
    "CMD-SHELL",
    `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' ${BACKEND_SECRETS_DIR}/redis.conf)" ` +
      `redis-cli -p "$(sed -n 's/^port //p' ${BACKEND_SECRETS_DIR}/redis.conf)" ping | grep -q PONG`,
  ],
};

export interface RedisConfigOptions {
  /** Default {@link REDIS_PORT}. */
  port?: number;
  /**
   * Interface Redis listens on. Default `0.0.0.0`: inside its own network namespace that is the
   * private network only; on the host network (the container tests) use `127.0.0.1`.
   */
  bind?: string;
}

export function redisConfig(password: string, options: RedisConfigOptions = {}): string {
  if (/[\s"]/.test(password)) throw new UnsafeValueError("the Redis password must not contain whitespace or quotes");
  return [
    `port ${options.port ?? REDIS_PORT}`,
    `bind ${options.bind ?? "0.0.0.0"}`,
    "protected-mode yes",
    `requirepass ${password}`,
    "dir /data",
    "appendonly yes",
    "appendfsync everysec",
    "save 900 1 300 10 60 10000",
    "",
  ].join("\n");
}

/** Qdrant: API key from its config file; storage and snapshots on volumes. */
export const QDRANT: BackendDefinition = {
  image: QDRANT_IMAGE,
  command: ["./qdrant", "--config-path", `${BACKEND_SECRETS_DIR}/qdrant.yaml`],
  volumes: { storage: "/qdrant/storage", snapshots: "/qdrant/snapshots" },
  configFile: "qdrant.yaml",
  // The unprivileged image runs as uid 1000 and owns its storage and snapshot paths.
  hardening: containerHardening({
    user: "1000:1000",
    tmpfsPaths: ["/tmp"],
    memoryMb: 2048,
    cpus: 1,
    pidsLimit: 512,
  }),
  healthcheck: ["CMD-SHELL", `bash -c ':> /dev/tcp/127.0.0.1/${QDRANT_HTTP_PORT}'`],
};

export function qdrantConfig(apiKey: string): string {
  return [
    "service:",
    `  http_port: ${QDRANT_HTTP_PORT}`,
    `  grpc_port: ${QDRANT_GRPC_PORT}`,
    `  api_key: ${JSON.stringify(apiKey)}`,
    "storage:",
    "  storage_path: /qdrant/storage",
    "  snapshots_path: /qdrant/snapshots",
    "telemetry_disabled: true",
    "",
  ].join("\n");
}
