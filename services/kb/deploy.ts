/**
 * How the knowledge base deploys: the indexer as a job that runs to completion on every deploy,
 * then the MCP server, which waits for it. Both read KbEnvSchema (config.ts).
 */
import { CONTAINER_DATA_DIR, defineService, type EnvName, type EnvSpec } from "../../infra/descriptor.js";
import type { KbEnvSchema } from "./config.js";

export const KB_MCP_PORT = 8000;

type KbVariable = EnvName<typeof KbEnvSchema>;

/** The variables both read: Qdrant, the collection, where run-time files go, log level. */
const kbEnv: EnvSpec<KbVariable> = {
  QDRANT_URL: (c) => c.qdrantUrl,
  KB_COLLECTION: (c) => c.kbCollection,
  QM_DATA_DIR: () => CONTAINER_DATA_DIR,
  LOG_LEVEL: (c) => c.logLevel,
  // The stack's embedder (kbEmbedder, embeddingsUrl, embeddingsModel); unset: the service's default.
  KB_EMBEDDER: (c) => c.embedder?.kind,
  EMBEDDINGS_URL: (c) => c.embedder?.url,
  EMBEDDINGS_MODEL: (c) => c.embedder?.model,
};

const parse = async (env: Record<string, string | undefined>) => (await import("./config.js")).loadKbConfig(env);

export const kbIndexerDeploy = defineService<KbVariable>({
  name: "kb-indexer",
  description: "indexes the bundled MQL5 articles into Qdrant (one-shot, incremental)",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "job" },
    command: ["index"],
    env: { ...kbEnv, KB_EMBED_WORKERS: () => "2" },
    // embeddingsApiKey is optional: delivered only when the stack sets it.
    secrets: { QDRANT_API_KEY: "qdrantApiKey", EMBEDDINGS_API_KEY: "embeddingsApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 2048, cpus: 2, pidsLimit: 256 },
    backends: ["qdrant"],
    stateless: false,
  },
  parse,
});

export const kbMcpDeploy = defineService<KbVariable>({
  name: "kb-mcp",
  description: "knowledge-base MCP server over Streamable HTTP",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "mcp", port: KB_MCP_PORT, mcp: { clientName: "quantmind-kb", apiKeySecret: "kbMcpApiKey" } },
    command: ["serve", "kb", "--transport", "http", "--host", "0.0.0.0", "--port", String(KB_MCP_PORT)],
    env: kbEnv,
    secrets: { QDRANT_API_KEY: "qdrantApiKey", MCP_API_KEY: "kbMcpApiKey", EMBEDDINGS_API_KEY: "embeddingsApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 1024, cpus: 1, pidsLimit: 256 },
    backends: ["qdrant"],
    after: ["kb-indexer"],
    stateless: true,
    scaling: { signal: "cpu" },
  },
  parse,
});
