/** Picks the vector store: Qdrant when a URL is configured, else the embedded on-disk index. */
import { openEmbeddedStore } from "./embedded-store.js";
import { QdrantVectorStore } from "./qdrant-store.js";
import type { VectorStore } from "./vector-store.js";

export type VectorStoreConfig = { collection: string; onWarning?: (message: string) => void } & (
  | { qdrantUrl: string; qdrantApiKey?: string }
  | { embeddedDir: string }
);

export async function createVectorStore(config: VectorStoreConfig): Promise<VectorStore> {
  if ("qdrantUrl" in config) {
    return new QdrantVectorStore({
      url: config.qdrantUrl,
      collection: config.collection,
      ...(config.qdrantApiKey !== undefined && { apiKey: config.qdrantApiKey }),
    });
  }
  return openEmbeddedStore({
    dir: config.embeddedDir,
    collection: config.collection,
    ...(config.onWarning !== undefined && { onWarning: config.onWarning }),
  });
}
