/**
 * Strategy-agent configuration from the environment. Each variable's meaning is its zod
 * description: `npm run docs:env` turns them into the table in docs/configuration.md. Risk limits
 * live in a YAML file (AGENT_RISK_CONFIG), brokers in config/brokers.yaml (BROKERS_CONFIG).
 */
import path from "node:path";
import { z } from "zod";
import { envField, parseEnv, type Env } from "../shared/config.js";
import { PACKAGE_ROOT } from "../shared/package-root.js";
import { AGENT_PORT } from "./port.js";

export const AGENT_SECRETS = ["REDIS_PASSWORD", "MCP_API_KEY"] as const;

/** The agent's HTTP port; defined in port.ts, which the CLI reads without loading this schema. */
export { AGENT_PORT };

const milliseconds = (fallback: number, description: string) => z.coerce.number().int().min(10).max(86_400_000).default(fallback).describe(description);

export const AgentEnvSchema = z.object({
  QM_DATA_DIR: z.string().default(".quantmind").describe("The generated API key and client configs"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^@/]+$/, "expected redis://host:port without credentials (the password goes in REDIS_PASSWORD)")
    .optional()
    .describe("Redis for the signal, event and dead-letter streams; unset: in-process streams (lost on exit)"),
  REDIS_PASSWORD: z.string().optional().describe("Redis password"),
  AGENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "use 1-64 letters, digits, '.', '_' or '-'")
    .optional()
    .meta({ description: "This agent's consumer name in the signal group (unique per replica)", docDefault: "`<hostname>-<pid>`" }),
  BROKERS_CONFIG: z
    .string()
    .default(path.join(PACKAGE_ROOT, "config", "brokers.yaml"))
    .meta({ description: "The broker registry", docDefault: "`config/brokers.yaml`" }),
  AGENT_RISK_CONFIG: z
    .string()
    .default(path.join(PACKAGE_ROOT, "config", "agent.yaml"))
    .meta({ description: "Risk limits per broker and symbol (YAML, `risk:`)", docDefault: "`config/agent.yaml`" }),
  MCP_HOST: envField.host(),
  MCP_PORT: envField.port(AGENT_PORT).describe("HTTP port for /healthz, /readyz, /metrics and /mcp; 0 picks a free one"),
  MCP_API_KEY: envField.mcpApiKey("API key for `/mcp` and `/metrics` (`x-api-key` or `Authorization: Bearer`)"),
  MCP_CORS_ORIGINS: envField.corsOrigins(),
  MCP_RATE_LIMIT_PER_MINUTE: envField.rateLimitPerMinute(),
  AGENT_MCP_TRADING: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .describe("`true` lets MCP clients submit signals and set the kill switch; otherwise the MCP tools are read-only"),
  AGENT_CLAIM_IDLE_MS: milliseconds(30_000, "Signals left pending this long by a stopped agent are taken over"),
  AGENT_HEARTBEAT_MS: milliseconds(10_000, "Heartbeat period; the key lives three periods"),
  AGENT_RECONCILE_MS: milliseconds(60_000, "How often positions and P&L are read back from every broker"),
  LOG_LEVEL: envField.logLevel(),
});

export type AgentConfig = z.infer<typeof AgentEnvSchema>;

export function loadAgentConfig(env: Env = process.env): AgentConfig {
  return parseEnv(AgentEnvSchema, env, { secrets: AGENT_SECRETS });
}
