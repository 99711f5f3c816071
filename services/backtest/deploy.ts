/**
 * How the backtest service deploys: the MCP server, which validates, caches and queues jobs in
 * Redis and serves their results, and the queue workers, which run them in the sandbox. Results
 * live in Redis, so both are stateless; only the workers scale out (on aws, on the queue's
 * depth). Both read BacktestEnvSchema (service-config.ts). The datasets are the image's own
 * (data/backtest, the schema's default), so every container sees the same files.
 */
import { CONTAINER_DATA_DIR, defineService, type EnvName, type EnvSpec } from "../../infra/descriptor.js";
import { backtestKeys } from "../shared/redis-keys.js";
import type { BacktestEnvSchema } from "./service-config.js";

export const BACKTEST_MCP_PORT = 8002;

/** Jobs one worker container runs at once; its memory limit holds this many sandboxes. */
export const BACKTEST_WORKER_CONCURRENCY = 2;
/** The memory limit of one job's sandbox (the schema's default). */
export const BACKTEST_SANDBOX_MEMORY_MB = 512;

type BacktestVariable = EnvName<typeof BacktestEnvSchema>;

/**
 * What both read: Redis (its password comes as a secret), the cache of remote bars on the /tmp
 * tmpfs (a cache: lost on restart, fetched again), the log level.
 */
const backtestEnv: EnvSpec<BacktestVariable> = {
  REDIS_URL: (c) => c.redisUrl,
  QM_DATA_DIR: () => CONTAINER_DATA_DIR,
  BACKTEST_CACHE_DIR: () => `${CONTAINER_DATA_DIR}/backtest-cache`,
  BACKTEST_MEMORY_MB: () => String(BACKTEST_SANDBOX_MEMORY_MB),
  LOG_LEVEL: (c) => c.logLevel,
};

const parse = async (env: Record<string, string | undefined>) => (await import("./service-config.js")).loadBacktestEnv(env);

export const backtestMcpDeploy = defineService<BacktestVariable>({
  name: "backtest-mcp",
  description: "backtest MCP server over Streamable HTTP: queues jobs to the workers through Redis",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "mcp", port: BACKTEST_MCP_PORT, mcp: { clientName: "quantmind-backtest", apiKeySecret: "backtestMcpApiKey" } },
    command: ["serve", "backtest", "--transport", "http", "--host", "0.0.0.0", "--port", String(BACKTEST_MCP_PORT)],
    env: backtestEnv,
    secrets: { REDIS_PASSWORD: "redisPassword", MCP_API_KEY: "backtestMcpApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
    backends: ["redis"],
    stateless: true,
    scaling: { signal: "cpu" },
  },
  parse,
});

export const backtestWorkerDeploy = defineService<BacktestVariable>({
  name: "backtest-worker",
  description: "backtest queue worker: runs queued strategies in the sandbox (isolated-vm, bubblewrap)",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "queue-worker", queue: backtestKeys.queue },
    // Hardened by the CLI itself: a child process under Node's permission model.
    command: ["worker", "backtest"],
    env: { ...backtestEnv, BACKTEST_WORKERS: () => String(BACKTEST_WORKER_CONCURRENCY) },
    secrets: { REDIS_PASSWORD: "redisPassword" },
    // The hardened worker bundles its entry into /tmp; the bar cache is there too.
    tmpfsPaths: ["/tmp"],
    // Two sandboxes of 512 MB, the worker's own heap and the data; Python jobs start bwrap,
    // prlimit and python3 (a few processes each), isolated-vm a few threads per isolate.
    limits: { memoryMb: 2048, cpus: 2, pidsLimit: 256 },
    backends: ["redis"],
    // bubblewrap gives each Python job its own user, network, mount and pid namespaces.
    userNamespaces: true,
    stateless: true,
    // One task holds two jobs; more than four waiting per task adds tasks, up to ten.
    scaling: { signal: "queue-depth", backlogPerTask: 4, minTasks: 1, maxTasks: 10 },
  },
  parse,
});
