/**
 * The knowledge base's edge: turns a parsed config into real dependencies, and runs the
 * index job or the MCP server over stdio or HTTP. The CLI calls these; nothing else reads env.
 */
import path from "node:path";
import type { Logger } from "pino";
import { serveMcpHttp, type McpHttpServer } from "../shared/http/serve-mcp-http.js";
import { registerSecret } from "../shared/logger.js";
import { serveStdio } from "../shared/mcp/stdio.js";
import { KB_SECRETS, type KbConfig } from "./config.js";
import type { KbDeps } from "./deps.js";
import { createEmbedder } from "./embed/create-embedder.js";
import { indexArticles, type IndexOptions, type IndexSummary } from "./indexer.js";
import { createKbHttpApp } from "./http-app.js";
import { createKbServer } from "./server.js";
import { createVectorStore } from "./stores/create-store.js";

/**
 * What the dependencies are for: an index run embeds many chunks, spread over worker threads;
 * a server embeds queries in one worker thread, off its event loop, warmed up at start.
 */
export type KbPurpose = "index" | "serve";

/** Builds the store and embedder the config names. Close them with `closeKbDeps`. */
export async function createKbDeps(config: KbConfig, logger: Logger, purpose: KbPurpose = "serve"): Promise<KbDeps> {
  for (const name of KB_SECRETS) registerSecret(config[name]);
  const embedder = await createEmbedder(
    config.KB_EMBEDDER === "openai"
      ? {
          provider: "openai",
          baseUrl: config.EMBEDDINGS_URL!,
          model: config.EMBEDDINGS_MODEL!,
          ...(config.EMBEDDINGS_API_KEY !== undefined && { apiKey: config.EMBEDDINGS_API_KEY }),
          ...(config.EMBEDDINGS_DIMENSION !== undefined && { dimension: config.EMBEDDINGS_DIMENSION }),
        }
      : config.KB_EMBEDDER === "static"
        ? { provider: "static" }
        : { provider: "use-lite", workers: purpose === "index" ? config.KB_EMBED_WORKERS : 1 },
  );
  const store = await createVectorStore({
    collection: config.KB_COLLECTION,
    onWarning: (message) => logger.warn(message),
    ...(config.QDRANT_URL !== undefined
      ? { qdrantUrl: config.QDRANT_URL, ...(config.QDRANT_API_KEY !== undefined && { qdrantApiKey: config.QDRANT_API_KEY }) }
      : { embeddedDir: path.resolve(config.QM_DATA_DIR, "kb") }),
  });
  // Load the model now, not on the first search (about 1 s on a quiet machine).
  if (purpose === "serve") await embedder.embed(["warm-up"]);
  return { store, embedder, articlesRoot: path.resolve(config.KB_ARTICLES_DIR), logger };
}

export async function closeKbDeps(deps: KbDeps): Promise<void> {
  await deps.store.close();
  await deps.embedder.close?.();
}

/** Runs the incremental index over the configured articles. */
export function runKbIndex(
  config: KbConfig,
  deps: KbDeps,
  extra: Pick<IndexOptions, "onProgress"> = {},
): Promise<IndexSummary> {
  return indexArticles({
    articlesRoot: deps.articlesRoot,
    store: deps.store,
    embedder: deps.embedder,
    chunkTokens: config.KB_CHUNK_TOKENS,
    overlapTokens: config.KB_CHUNK_OVERLAP,
    ...(deps.logger !== undefined && { logger: deps.logger }),
    ...extra,
  });
}

/** Serves the KB over stdio until the client disconnects. */
export async function serveKbStdio(deps: KbDeps): Promise<void> {
  await serveStdio(createKbServer(deps));
}

/**
 * Serves the KB over Streamable HTTP at `/mcp` on MCP_HOST:MCP_PORT; the API key comes from
 * config or the data dir.
 */
export function serveKbHttp(config: KbConfig, deps: KbDeps): Promise<McpHttpServer> {
  return serveMcpHttp({
    config,
    title: "knowledge-base",
    logger: deps.logger,
    createApp: (apiKeys) =>
      createKbHttpApp(config, deps, { apiKeys }),
  });
}
