/**
 * Environment configuration: each service declares a zod schema over the variables it reads,
 * and parses `process.env` once at its entry point.
 *
 * A secret variable `X` may instead be given as `X_FILE`, a path to a file holding the value
 * (how the deploy targets deliver secrets); trailing newlines in the file are dropped.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { hasUrlCredentials, redactUrlCredentials } from "./redact-url.js";

export type Env = Record<string, string | undefined>;

/**
 * Resolves `X_FILE` for each named secret into `X`. Setting both is an error, since it is
 * ambiguous which one the operator meant.
 */
export function resolveSecretFiles(env: Env, secretNames: readonly string[]): Env {
  const resolved: Env = { ...env };
  for (const name of secretNames) {
    const filePath = env[`${name}_FILE`];
    if (filePath === undefined || filePath === "") continue;
    if (env[name] !== undefined && env[name] !== "") {
      throw new ConfigError(`${name} and ${name}_FILE are both set: set only one of them`);
    }
    try {
      resolved[name] = readFileSync(filePath, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(`${name}_FILE=${filePath} cannot be read (${reason}): point it at a readable file`);
    }
  }
  return resolved;
}

/** Other names a variable may be given under (`{ QC_USER_ID: ["QUANTCONNECT_USER_ID"] }`). */
export type EnvAliases = Readonly<Record<string, readonly string[]>>;

/**
 * Resolves each alias into its canonical variable, after `_FILE` secrets are read. The names may
 * be set together only to the same value; two different values stop with an error naming both,
 * without echoing a secret.
 */
export function resolveAliases(resolved: Env, aliases: EnvAliases, secretNames: readonly string[] = []): Env {
  const out: Env = { ...resolved };
  for (const [canonical, others] of Object.entries(aliases)) {
    const given = [canonical, ...others].filter((name) => resolved[name] !== undefined && resolved[name] !== "");
    if (given.length === 0) continue;
    const first = given[0]!;
    const conflict = given.find((name) => resolved[name] !== resolved[first]);
    if (conflict !== undefined) {
      const shown = (name: string) => (resolved[`${name}_FILE`] ? `${name}_FILE` : name);
      const values = secretNames.includes(canonical) ? "" : ` (${JSON.stringify(resolved[first])} and ${JSON.stringify(resolved[conflict])})`;
      throw new ConfigError(`${shown(first)} and ${shown(conflict)} name the same setting but are set to different values${values}: set only one of them`);
    }
    out[canonical] = resolved[first];
  }
  return out;
}

/**
 * Parses the environment with `schema`. Empty strings count as unset, so `X=` in a shell
 * falls back to the default. The first problem becomes one line naming the variable.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Env,
  options: {
    secrets?: readonly string[];
    /** Other accepted names; an alias of a secret may be given as `<ALIAS>_FILE` too. */
    aliases?: EnvAliases;
  } = {},
): z.infer<S> {
  const secrets = options.secrets ?? [];
  const aliases = options.aliases ?? {};
  const aliasSecrets = secrets.flatMap((name) => aliases[name] ?? []);
  const fromFiles = resolveSecretFiles(env, [...secrets, ...aliasSecrets]);
  const withSecrets = resolveAliases(fromFiles, aliases, secrets);
  const relevant: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = withSecrets[key];
    if (value !== undefined && value !== "") relevant[key] = value;
  }
  const result = schema.safeParse(relevant);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  const shown = options.secrets?.includes(variable) ? "" : describeValue(relevant[variable]);
  throw new ConfigError(`${variable}${shown}: ${issue.message}`);
}

function describeValue(value: string | undefined): string {
  return value === undefined ? " is not set" : `=${JSON.stringify(redactUrlCredentials(value))}`;
}

/**
 * Common zod field helpers for environment variables. Every field of a service's schema carries
 * a description (`.describe()`, or `.meta({ description, docDefault })` when the default is
 * computed and needs words): scripts/env-tables.ts turns them into docs/configuration.md.
 */
export const envField = {
  /** A TCP port; 0 asks the OS for a free one. */
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  /** An http(s) URL without user-info: credentials in a URL end up in logs and error messages. */
  url: () =>
    z
      .url({ protocol: /^https?$/, message: "expected an http(s) URL" })
      .refine((url) => !hasUrlCredentials(url), "must not contain user:password@: pass credentials in their own (secret) variable"),
  /** Comma-separated CORS origins, or `*` (the default). */
  corsOrigins: () =>
    z
      .string()
      .default("*")
      .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
      .refine((origins) => origins.length > 0, "list at least one origin, or *")
      .describe("Comma-separated origins allowed by CORS, or `*`"),
  /** The interface an HTTP server listens on; loopback unless a deployment says otherwise. */
  host: () => z.string().default("127.0.0.1").describe("HTTP interface"),
  /** The key MCP clients send; unset means one generated into the data directory on first start. */
  mcpApiKey: (description = "API key for `/mcp` (`x-api-key` or `Authorization: Bearer`; at least 16 characters)", docDefault = "generated into `<QM_DATA_DIR>/api-key`") =>
    z.string().min(16, "must be at least 16 characters").optional().meta({ description, docDefault }),
  /** Calls per minute per API key, so one client cannot starve the others; 0 turns it off. */
  rateLimitPerMinute: (description = "Tool calls per minute per API key over HTTP, each call of a batch counted; 0 turns the limit off") =>
    z.coerce.number().int().min(0).max(1_000_000).default(120).describe(description),
  /** A pino level, or `silent`; default `info`. */
  logLevel: () =>
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info")
      .describe("Log level (`silent`: none); logs are JSON lines on stderr, secrets redacted"),
};
