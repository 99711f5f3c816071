/** What the knowledge-base MCP server is built from; `main.ts` builds the real ones. */
import type { Logger } from "pino";
import type { Embedder } from "./embed/embedder.js";
import type { VectorStore } from "./stores/vector-store.js";

export interface KbDeps {
  store: VectorStore;
  embedder: Embedder;
  /** Directory holding the Markdown articles that were indexed. */
  articlesRoot: string;
  logger?: Logger;
}
