/**
 * QuantConnect MCP configuration from the environment. Every variable, its default and meaning
 * is listed in the README's environment table; keep the two in step.
 *
 * Hand-off to the deploy targets: `QC_ENV_VARS` lists every variable this service reads and
 * `QC_SECRETS` the ones that are secrets (each may also be given as `<NAME>_FILE`).
 */
import { z } from "zod";
import { envField, parseEnv, type Env } from "../shared/config.js";
import { parseToolsets } from "./toolsets.js";

/**
 * QuantConnect's own MCP server reads these names; accepting them (and their `_FILE` forms) lets
 * an existing client configuration work unchanged. Set both names only to the same value.
 */
export const QC_ENV_ALIASES = {
  QC_USER_ID: ["QUANTCONNECT_USER_ID"],
  QC_API_TOKEN: ["QUANTCONNECT_API_TOKEN"],
} as const;

/** QuantConnect's REST API v2 root. */
export const DEFAULT_QC_API_URL = "https://www.quantconnect.com/api/v2";

/**
 * Secrets: never echoed in a config error; each may be given as `<NAME>_FILE`. The user id is
 * not confidential alone, but it is half of the credential and the targets deliver the two
 * together, as files.
 */
export const QC_SECRETS = ["QC_USER_ID", "QC_API_TOKEN", "MCP_API_KEY"] as const;

/** API Gateway gives up after 29 s: one tool call's whole budget, retries included, stays below it. */
export const API_GATEWAY_LIMIT_MS = 29_000;

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { message: "expected true or false" })
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1");

export const QcEnvSchema = z
  .object({
    /** QuantConnect user id (the number on the account page); required unless QC_SECRETS_ARN is set. */
    QC_USER_ID: z.string().regex(/^[^\s:]{1,64}$/, "expected the numeric QuantConnect user id").optional(),
    /** QuantConnect API token (secret); required unless QC_SECRETS_ARN is set. */
    QC_API_TOKEN: z.string().min(8, "must be at least 8 characters").optional(),
    /** API root; default QuantConnect's. Tests point it at a local server. */
    QC_API_URL: envField.url().default(DEFAULT_QC_API_URL).transform((url) => url.replace(/\/+$/, "")),
    /** Tools that trade live (create, stop, liquidate, commands) stay off unless true. */
    QC_ENABLE_LIVE_TRADING: flag(false),
    /** `all` or a comma-separated list of toolsets; default all. */
    QC_TOOLSETS: z
      .string()
      .default("all")
      .transform((value, ctx) => {
        try {
          return parseToolsets(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /**
     * Secrets Manager secret (ARN or name) holding `{"userId": "...", "apiToken": "..."}`; when set,
     * it supplies the credentials, re-read after QC_SECRETS_TTL_SECONDS and after a rejection.
     */
    QC_SECRETS_ARN: z.string().min(1).max(2048).optional(),
    /** How long the secret's value is reused; default 300 s. */
    QC_SECRETS_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Time limit of one QuantConnect request; default 10 s. */
    QC_TIMEOUT_MS: z.coerce.number().int().min(100).max(API_GATEWAY_LIMIT_MS - 1000).default(10_000),
    /** Time budget of one tool call, retries included; default 25 s, under API Gateway's 29 s. */
    QC_DEADLINE_MS: z.coerce.number().int().min(100).max(API_GATEWAY_LIMIT_MS - 1000).default(25_000),
    /** Tries per request on 429 (and, for calls safe to repeat, 5xx and network errors); default 3. */
    QC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(6).default(3),
    /** Sent as `codeSourceId` on file and lock calls when the client gives none, so QuantConnect can tell agents apart. */
    QC_AGENT_NAME: z.string().min(1).max(100).default("QuantMind MCP"),
    /** Where the generated API key lives (local HTTP); default `.quantmind`. */
    QM_DATA_DIR: z.string().default(".quantmind"),
    MCP_HOST: z.string().default("127.0.0.1"),
    /** Default 8001, beside the knowledge base's 8000. */
    MCP_PORT: envField.port(8001),
    /** API key for `/mcp`; unset: generated into `<QM_DATA_DIR>/api-key` (on Lambda: MCP_API_KEY_ARN). */
    MCP_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),
    /** Lambda: Secrets Manager secret (ARN or name) whose value is the API key, read at start-up instead of MCP_API_KEY. */
    MCP_API_KEY_ARN: z.string().min(1).max(2048).optional(),
    /** Comma-separated origins, or `*`. */
    MCP_CORS_ORIGINS: envField.corsOrigins(),
    /** Requests per minute per API key on the local HTTP server; 0 turns the limit off; default 120. */
    MCP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(120),
    LOG_LEVEL: envField.logLevel(),
  })
  .superRefine((env, ctx) => {
    if (env.QC_SECRETS_ARN !== undefined) return;
    for (const name of ["QC_USER_ID", "QC_API_TOKEN"] as const) {
      if (env[name] === undefined) {
        ctx.addIssue({ code: "custom", path: [name], message: "is required (or set QC_SECRETS_ARN to read it from Secrets Manager)" });
      }
    }
  });

export type QcConfig = z.infer<typeof QcEnvSchema>;

/** Every variable the service reads (the `_FILE` forms of {@link QC_SECRETS} besides). */
export const QC_ENV_VARS = Object.keys(QcEnvSchema.shape) as readonly (keyof QcConfig)[];

export function loadQcConfig(env: Env = process.env): QcConfig {
  return parseEnv(QcEnvSchema, env, { secrets: QC_SECRETS, aliases: QC_ENV_ALIASES });
}
