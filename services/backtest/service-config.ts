/**
 * The backtest service's environment (MCP server and worker alike). Every variable, its default
 * and meaning is declared here; the strategy configuration a job carries is config.ts's.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";
import { envField, parseEnv, type Env } from "../shared/config.js";
import { PACKAGE_ROOT } from "../shared/package-root.js";
import { DEFAULT_MAX_GRID_POINTS } from "./deps.js";

/** The datasets shipped in the repository. */
export const BUNDLED_DATA_DIR = path.join(PACKAGE_ROOT, "data", "backtest");

export const BACKTEST_SECRETS = ["REDIS_PASSWORD", "MCP_API_KEY", "BACKTEST_MT5_TOKEN"] as const;

export const BacktestEnvSchema = z.object({
  QM_DATA_DIR: z.string().default(".quantmind").describe("The generated API key, client configs, and the default bar cache"),
  BACKTEST_DATA_DIR: z
    .string()
    .default(BUNDLED_DATA_DIR)
    .meta({ description: "Directory of CSV and Parquet datasets (one file per dataset)", docDefault: "the bundled ones, `data/backtest`" }),
  BACKTEST_CACHE_DIR: z
    .string()
    .optional()
    .meta({ description: "Remote bars (Binance) cached as columnar files; the worker's only writable path", docDefault: "`<QM_DATA_DIR>/backtest-cache`" }),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "expected redis://host:port")
    .optional()
    .describe("Redis for the job queue and results (`redis://host:port`); unset: the in-process queue, jobs run inside the MCP server"),
  REDIS_PASSWORD: z.string().optional().describe("Redis password"),
  BACKTEST_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(Math.min(availableParallelism(), 10))
    .meta({ description: "Jobs one process runs at once", docDefault: "the cores, at most 10" }),
  BACKTEST_TIME_LIMIT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000).describe("Wall-clock limit of one job's strategy, in ms (TIM_TIMEOUT past it)"),
  BACKTEST_MEMORY_MB: z.coerce.number().int().min(64).max(16_384).default(512).describe("Memory limit of one job's sandbox, in MB (TIM_MEMORY past it)"),
  BACKTEST_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3).describe("Attempts per job after infrastructure failures (a strategy's own errors are never retried)"),
  BACKTEST_MAX_GRID_POINTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_GRID_POINTS).describe("Most parameter combinations one `optimize_strategy` call runs"),
  BACKTEST_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Redis queue: how often workers look for the jobs of a dead worker, in ms"),
  BACKTEST_LOCK_DURATION_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Redis queue: how long a worker's lock on a job lasts without renewal, in ms"),
  // The MT5 bridge (services/mt5-bridge) whose Strategy Tester runs `mq5` strategies; the same
  // four settings as an mt5_socket broker entry. All unset: mq5 jobs are refused (MQ5_UNAVAILABLE).
  BACKTEST_MT5_HOST: z.string().min(1).optional().describe("MT5 bridge host for `mq5` strategies (its Strategy Tester); unset: `mq5` is refused with MQ5_UNAVAILABLE"),
  BACKTEST_MT5_PORT: z.coerce.number().int().min(1).max(65_535).default(5555).describe("MT5 bridge port"),
  BACKTEST_MT5_TOKEN: z.string().min(32, "the bridge token is too short (at least 32 characters)").optional().describe("MT5 bridge shared token (HMAC key of every request)"),
  BACKTEST_MT5_FINGERPRINT: z
    .string()
    .transform((value) => value.replaceAll(":", "").toLowerCase())
    .pipe(z.string().regex(/^[0-9a-f]{64}$/, "expected 64 hex digits (the SHA-256 of the bridge's certificate)"))
    .optional()
    .describe("SHA-256 fingerprint of the MT5 bridge's certificate (pinned; colons allowed)"),
  MCP_HOST: envField.host(),
  MCP_PORT: envField.port(8002).describe("HTTP port; 0 picks a free one"),
  MCP_API_KEY: envField.mcpApiKey(),
  MCP_CORS_ORIGINS: envField.corsOrigins(),
  MCP_RATE_LIMIT_PER_MINUTE: envField.rateLimitPerMinute(),
  LOG_LEVEL: envField.logLevel(),
});

export type BacktestEnv = z.infer<typeof BacktestEnvSchema>;

export function loadBacktestEnv(env: Env = process.env): BacktestEnv {
  return parseEnv(BacktestEnvSchema, env, { secrets: BACKTEST_SECRETS });
}
