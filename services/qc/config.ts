/**
 * QuantConnect MCP configuration from the environment. Each variable's meaning is its zod
 * description: `npm run docs:env` turns them into the table in docs/configuration.md.
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
    QC_USER_ID: z
      .string()
      .regex(/^[^\s:]{1,64}$/, "expected the numeric QuantConnect user id")
      .optional()
      .meta({
        description: "QuantConnect user id (the number on the account page); a secret so it can come as a file with the token",
        docDefault: "required unless `QC_SECRETS_ARN` is set",
      }),
    QC_API_TOKEN: z
      .string()
      .min(8, "must be at least 8 characters")
      .optional()
      .meta({ description: "QuantConnect API token", docDefault: "required unless `QC_SECRETS_ARN` is set" }),
    QC_API_URL: envField
      .url()
      .default(DEFAULT_QC_API_URL)
      .transform((url) => url.replace(/\/+$/, ""))
      .describe("API root (tests point it at a local server)"),
    QC_ENABLE_LIVE_TRADING: flag(false).describe("`true` lists and allows the tools that trade live (create, stop, liquidate, commands); off unless set"),
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
      })
      .describe("`all`, or a comma-separated list of toolsets (see docs/services/qc.md)"),
    QC_SECRETS_ARN: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe(
        'Secrets Manager secret (ARN or name) holding `{"userId": "...", "apiToken": "..."}`; when set it supplies the credentials, re-read after `QC_SECRETS_TTL_SECONDS` and after QuantConnect rejects them',
      ),
    QC_SECRETS_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300).describe("How long the secret's value is reused, in seconds"),
    QC_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(API_GATEWAY_LIMIT_MS - 1000)
      .default(10_000)
      .describe("Time limit of one QuantConnect request, in ms"),
    QC_DEADLINE_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(API_GATEWAY_LIMIT_MS - 1000)
      .default(25_000)
      .describe("Time budget of one tool call, retries included, in ms; under API Gateway's 29 s"),
    QC_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(6)
      .default(3)
      .describe("Tries per request on 429 (and, for calls safe to repeat, on 5xx and network errors)"),
    QC_AGENT_NAME: z
      .string()
      .min(1)
      .max(100)
      .default("QuantMind MCP")
      .describe("Sent as `codeSourceId` on file and lock calls that give none, so QuantConnect can tell agents apart"),
    QM_DATA_DIR: z.string().default(".quantmind").describe("Where the generated API key lives (local HTTP)"),
    MCP_HOST: envField.host(),
    MCP_PORT: envField.port(8001).describe("HTTP port, beside the knowledge base's 8000; 0 picks a free one"),
    MCP_API_KEY: envField.mcpApiKey(
      "API key for `/mcp` (at least 16 characters)",
      "generated into `<QM_DATA_DIR>/api-key`; on Lambda required unless `MCP_API_KEY_ARN` is set",
    ),
    MCP_API_KEY_ARN: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe("Lambda: Secrets Manager secret (ARN or name) whose value is the API key, read at start-up instead of `MCP_API_KEY`"),
    MCP_CORS_ORIGINS: envField.corsOrigins(),
    MCP_RATE_LIMIT_PER_MINUTE: envField.rateLimitPerMinute("Requests per minute per API key on the local HTTP server; `0` turns the limit off"),
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
