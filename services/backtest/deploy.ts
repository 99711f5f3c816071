/**
 * How the backtest service deploys: the MCP server, which validates, caches and queues jobs in
 * Redis and serves their results, and the queue workers, which run them in the sandbox. Results
 * live in Redis, so both are stateless; only the workers scale out (on aws, on the queue's
 * depth). Both read BacktestEnvSchema (service-config.ts). The datasets are the image's own
 * (data/backtest, the schema's default), so every container sees the same files.
 */
import { CONTAINER_DATA_DIR, defineService, type EnvName, type EnvSpec, type Runtime } from "../../infra/descriptor.js";
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

/**
 * A runtime where the target runs the MT5 bridge (vps): mq5 strategies then go to its Strategy
 * Tester, the server accepting them and the worker running them. The bridge's signing token is a
 * stack secret of that target only; elsewhere mq5 is refused with MQ5_UNAVAILABLE.
 */
function withMt5Bridge(runtime: Runtime<BacktestVariable>): Runtime<BacktestVariable> {
  return {
    ...runtime,
    env: {
      ...runtime.env,
      BACKTEST_MT5_HOST: (c) => c.mt5Bridge?.host,
      BACKTEST_MT5_PORT: (c) => (c.mt5Bridge ? String(c.mt5Bridge.port) : undefined),
      BACKTEST_MT5_FINGERPRINT: (c) => c.mt5Bridge?.fingerprint,
    },
    secrets: { ...runtime.secrets, BACKTEST_MT5_TOKEN: "mt5BridgeToken" },
  };
}

const mcpRun: Runtime<BacktestVariable> = {
  shape: { kind: "mcp", port: BACKTEST_MCP_PORT, mcp: { clientName: "quantmind-backtest", apiKeySecret: "backtestMcpApiKey" } },
  command: ["serve", "backtest", "--transport", "http", "--host", "0.0.0.0", "--port", String(BACKTEST_MCP_PORT)],
  env: backtestEnv,
  secrets: { REDIS_PASSWORD: "redisPassword", MCP_API_KEY: "backtestMcpApiKey" },
  tmpfsPaths: ["/tmp"],
  limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
  backends: ["redis"],
  stateless: true,
  scaling: { signal: "cpu" },
};

export const backtestMcpDeploy = defineService<BacktestVariable>({
  name: "backtest-mcp",
  description: "backtest MCP server over Streamable HTTP: queues jobs to the workers through Redis",
  targets: ["local", "vps", "aws"],
  run: mcpRun,
  runOn: { vps: withMt5Bridge(mcpRun) },
  parse,
});

const workerRun: Runtime<BacktestVariable> = {
  shape: { kind: "queue-worker", queue: backtestKeys.queue },
  // Hardened by the CLI itself: a child process under Node's permission model.
  command: ["worker", "backtest"],
  env: { ...backtestEnv, BACKTEST_WORKERS: () => String(BACKTEST_WORKER_CONCURRENCY) },
  secrets: { REDIS_PASSWORD: "redisPassword" },
  // The hardened worker bundles its entry into /tmp; the bar cache is there too.
  tmpfsPaths: ["/tmp"],
  // Two sandboxes of 512 MB, the worker's own heap and the data; Python jobs start bwrap,
  // prlimit and python3 (a few processes each) through one launcher (a Node process: 42 MB
  // resident, 7 threads here), isolated-vm a few threads per isolate.
  limits: { memoryMb: 2048, cpus: 2, pidsLimit: 256 },
  backends: ["redis"],
  // bubblewrap gives each Python job its own user, network, mount and pid namespaces.
  userNamespaces: true,
  stateless: true,
  // One task holds two jobs; more than four waiting per task adds tasks, up to ten.
  scaling: { signal: "queue-depth", backlogPerTask: 4, minTasks: 1, maxTasks: 10 },
};

export const backtestWorkerDeploy = defineService<BacktestVariable>({
  name: "backtest-worker",
  description: "backtest queue worker: runs queued strategies in the sandbox (isolated-vm, bubblewrap)",
  targets: ["local", "vps", "aws"],
  run: workerRun,
  runOn: { vps: withMt5Bridge(workerRun) },
  parse,
});
