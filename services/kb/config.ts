/**
 * Knowledge-base configuration from the environment. Each variable's meaning is its zod
 * description: `npm run docs:env` turns them into the table in docs/configuration.md.
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
    QM_DATA_DIR: z.string().default(".quantmind").describe("The embedded vector store (`kb/`), the generated API key, client configs"),
    KB_ARTICLES_DIR: z
      .string()
      .default(BUNDLED_ARTICLES_DIR)
      .meta({ description: "Articles root", docDefault: "`data/articles` (the bundled sample corpus)" }),
    KB_COLLECTION: z
      .string()
      .regex(COLLECTION_NAME_PATTERN, "use 1-64 letters, digits, - or _")
      .default("mql5_articles")
      .describe("Collection name (1-64 letters, digits, `-`, `_`)"),
    KB_CHUNK_TOKENS: z.coerce.number().int().min(16).max(8192).default(DEFAULT_CHUNK_TOKENS).describe("Chunk size in the embedder's tokens (capped at its window)"),
    KB_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(1024).default(DEFAULT_OVERLAP_TOKENS).describe("Tokens shared by consecutive chunks"),
    QDRANT_URL: envField.url().optional().describe("Qdrant REST URL, e.g. `http://127.0.0.1:6333`; unset: the embedded on-disk store"),
    QDRANT_API_KEY: z.string().optional().describe("Qdrant API key"),
    KB_EMBEDDER: z
      .enum(["use-lite", "static", "openai"])
      .default("use-lite")
      .describe("`use-lite` (the bundled offline Universal Sentence Encoder lite, 512 dims), `static` (a token table distilled from it, 256 dims, far faster) or `openai` (any OpenAI-compatible `/embeddings` endpoint)"),
    KB_EMBED_WORKERS: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(Math.min(availableParallelism(), 4))
      .meta({ description: "Worker threads an index run embeds with (`use-lite`); a server embeds queries in one worker thread, off its event loop", docDefault: "the number of cores, at most 4" }),
    EMBEDDINGS_URL: envField.url().optional().describe("With `openai` (required): API root including the version, e.g. `http://127.0.0.1:11434/v1`"),
    EMBEDDINGS_MODEL: z.string().min(1).optional().describe("With `openai` (required): model name"),
    EMBEDDINGS_API_KEY: z.string().optional().describe("With `openai`: bearer key"),
    EMBEDDINGS_DIMENSION: z.coerce
      .number()
      .int()
      .min(1)
      .max(65536)
      .optional()
      .meta({ description: "With `openai`: vector size", docDefault: "learned by one probe request" }),
    MCP_HOST: envField.host(),
    MCP_PORT: envField.port(8000).describe("HTTP port; 0 picks a free one"),
    MCP_API_KEY: envField.mcpApiKey(),
    MCP_CORS_ORIGINS: envField.corsOrigins(),
    MCP_RATE_LIMIT_PER_MINUTE: envField.rateLimitPerMinute(),
    KB_MAX_QUEUED_SEARCHES: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(32)
      .describe("Searches waiting for query embedding at once over HTTP; past it a request gets 503 with Retry-After"),
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
