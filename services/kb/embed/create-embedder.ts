/** Picks and builds the knowledge base's embedder from a validated config. */
import { z } from "zod";
import { ConfigError } from "../../shared/errors.js";
import type { Embedder } from "./embedder.js";
import { createOpenAiCompatibleEmbedder } from "./openai-compatible.js";
import { createStaticEmbedder } from "./static.js";
import { createEmbedderPool } from "./worker-pool.js";

const UseLiteConfigSchema = z
  .object({
    /** The bundled offline model (USE lite, 512 dims); the default provider. */
    provider: z.literal("use-lite"),
    /**
     * Worker threads embedding in parallel, each with its own model; default 1 (the MCP server:
     * queries leave the event loop free). More than 1 pays off for indexing, up to the number of
     * cores. Every count builds compatible collections: the model id is the same.
     */
    workers: z.number().int().min(1).max(64).optional(),
  })
  .strict();

const OpenAiConfigSchema = z
  .object({
    /** Any OpenAI-compatible `POST /embeddings` endpoint. */
    provider: z.literal("openai"),
    /** API root including the version, e.g. `http://127.0.0.1:11434/v1`. */
    baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://host:port/v1" }),
    /** Model name the endpoint knows, e.g. `text-embedding-3-small`. */
    model: z.string().min(1),
    /** Bearer key; omit for endpoints that need none. */
    apiKey: z.string().min(1).optional(),
    /** Vector size; default: learned with one probe request when the embedder is created. */
    dimension: z.number().int().min(1).max(65_536).optional(),
    /** Window in estimated tokens; default 512. */
    maxInputTokens: z.number().int().min(1).optional(),
  })
  .strict();

const StaticConfigSchema = z
  .object({
    /** A token table distilled from USE lite (static.ts): no model, no threads, ~100x faster. */
    provider: z.literal("static"),
    /** Table file; default the bundled data/embedders/static-use-lite-256.bin. */
    tablePath: z.string().min(1).optional(),
  })
  .strict();

/** Which embedder to use and how to reach it. */
export const EmbedderConfigSchema = z.discriminatedUnion("provider", [UseLiteConfigSchema, OpenAiConfigSchema, StaticConfigSchema], {
  error: 'must be "use-lite", "static" or "openai"',
});

export type EmbedderConfig = z.infer<typeof EmbedderConfigSchema>;

/**
 * Validates `config` and builds the embedder, with `dimension` already known: for an
 * OpenAI-compatible endpoint without a configured dimension this makes one probe request,
 * so an unreachable endpoint or a refused key fails here (BackendUnavailableError), at
 * start-up. Throws ConfigError naming each invalid field.
 */
export async function createEmbedder(config: z.input<typeof EmbedderConfigSchema>): Promise<Embedder> {
  const parsed = EmbedderConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => `${key}: not a field of this provider`)
        : [`${issue.path.join(".") || "config"}: ${issue.message}`],
    );
    throw new ConfigError(`invalid embedder config: ${problems.join("; ")}`);
  }
  const valid = parsed.data;
  if (valid.provider === "use-lite") {
    // Always in worker threads, even one: a model run on the main thread blocks every other
    // request (and /healthz) for its whole length.
    return createEmbedderPool({ workers: valid.workers ?? 1 });
  }
  if (valid.provider === "static") {
    return createStaticEmbedder(valid.tablePath !== undefined ? { tablePath: valid.tablePath } : {});
  }
  const embedder = createOpenAiCompatibleEmbedder(valid);
  await embedder.ready();
  return embedder;
}
