/**
 * Knowledge-base configuration from the environment. Every variable, its default and meaning
 * is listed in the README's environment table; keep the two in step.
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";
import { PACKAGE_ROOT } from "../shared/package-root.js";
import { envField, parseEnv, type Env } from "../shared/config.js";
import { DEFAULT_CHUNK_TOKENS, DEFAULT_OVERLAP_TOKENS } from "./indexer.js";
import { COLLECTION_NAME_PATTERN } from "./stores/collection-name.js";

/** The sample corpus shipped in the repository. */
export const BUNDLED_ARTICLES_DIR = path.join(PACKAGE_ROOT, "data", "articles");

export const KB_SECRETS = ["QDRANT_API_KEY", "EMBEDDINGS_API_KEY", "MCP_API_KEY"] as const;

export const KbEnvSchema = z
  .object({
    /** Where the embedded store and the generated API key live; default `.quantmind`. */
    QM_DATA_DIR: z.string().default(".quantmind"),
    KB_ARTICLES_DIR: z.string().default(BUNDLED_ARTICLES_DIR),
    KB_COLLECTION: z.string().regex(COLLECTION_NAME_PATTERN, "use 1-64 letters, digits, - or _").default("mql5_articles"),
    KB_CHUNK_TOKENS: z.coerce.number().int().min(16).max(8192).default(DEFAULT_CHUNK_TOKENS),
    KB_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(1024).default(DEFAULT_OVERLAP_TOKENS),
    /** Unset: the embedded on-disk store. */
    QDRANT_URL: envField.url().optional(),
    QDRANT_API_KEY: z.string().optional(),
    KB_EMBEDDER: z.enum(["use-lite", "openai"]).default("use-lite"),
    /** Worker threads the index run embeds with (use-lite); default: cores, at most 4. Serving always embeds in-process. */
    KB_EMBED_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.min(availableParallelism(), 4)),
    EMBEDDINGS_URL: envField.url().optional(),
    EMBEDDINGS_MODEL: z.string().min(1).optional(),
    EMBEDDINGS_API_KEY: z.string().optional(),
    EMBEDDINGS_DIMENSION: z.coerce.number().int().min(1).max(65536).optional(),
    MCP_HOST: z.string().default("127.0.0.1"),
    MCP_PORT: envField.port(8000),
    /** Unset: a key generated into `<QM_DATA_DIR>/api-key`. */
    MCP_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),
    /** Comma-separated origins, or `*`. */
    MCP_CORS_ORIGINS: envField.corsOrigins(),
    LOG_LEVEL: envField.logLevel(),
  })
  .superRefine((env, ctx) => {
    if (env.KB_EMBEDDER !== "openai") return;
    for (const name of ["EMBEDDINGS_URL", "EMBEDDINGS_MODEL"] as const) {
      if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when KB_EMBEDDER=openai" });
    }
  });

export type KbConfig = z.infer<typeof KbEnvSchema>;

export function loadKbConfig(env: Env = process.env): KbConfig {
  return parseEnv(KbEnvSchema, env, { secrets: KB_SECRETS });
}
