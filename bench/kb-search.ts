/**
 * Search latency with 20,000 chunks in the embedded store, for one embedder (use-lite or static):
 * - through MCP over HTTP, against the real `quantmind serve kb` process, query embedding
 *   included (the official SDK client, one request at a time), in each search mode asked for;
 * - the vector search alone (store.searchArticles), unfiltered and filtered by category.
 *
 * The store is grown from real embeddings: every chunk of one copy of the sample corpus, plus
 * noisy variants of it (cosine ~0.85 to the original) under distinct paths, so the index holds
 * realistic clusters rather than uniform noise or exact duplicates.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import path from "node:path";
import { createEmbedder } from "../services/kb/embed/create-embedder.js";
import { openEmbeddedStore } from "../services/kb/stores/embedded-store.js";
import type { SearchMode, StoredPoint } from "../services/kb/stores/vector-store.js";
import { pointId } from "../services/kb/point-id.js";
import { BUNDLED_ARTICLES_DIR } from "../services/kb/config.js";
import { startHttpServer, TEST_API_KEY } from "../test/helpers/kb-cli.js";
import { BENCH_QUERIES } from "./queries.js";
import { formatLatency, summarise, timed, type LatencySummary } from "./lib/stats.js";

const COLLECTION = "mql5_articles";

export interface SearchBenchResult {
  embedder: "use-lite" | "static";
  points: number;
  buildSeconds: number;
  /** Through MCP over HTTP, per search mode. */
  mcpHttp: Partial<Record<SearchMode, LatencySummary>>;
  vectorOnly: LatencySummary;
  vectorFiltered: LatencySummary;
}

/** Gaussian noise from a seeded generator, so every run builds the same store. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Copies the `copy-00` chunks of `sourceDir`'s store into `targetDir` with noisy variants up to `target` points. */
async function growStore(sourceDir: string, targetDir: string, target: number): Promise<number> {
  const source = await openEmbeddedStore({ dir: sourceDir, collection: COLLECTION });
  const originals = await source.exportPoints((p) => p.path.split("/")[1] === "copy-00");
  const meta = (await source.getCollectionMeta())!;
  await source.close();
  const store = await openEmbeddedStore({ dir: targetDir, collection: COLLECTION });
  await store.ensureCollection(meta);
  const noise = gaussian(42);
  const sigma = 0.62 / Math.sqrt(meta.dimension);
  let written = 0;
  for (let variant = 0; written < target; variant++) {
    const batch: StoredPoint[] = [];
    for (const original of originals) {
      if (written + batch.length >= target) break;
      const relative = original.payload.path.replace("/copy-00/", "/");
      const variantPath = variant === 0 ? relative : `${relative.replace(/\.md$/, "")}-v${variant}.md`;
      const vector = variant === 0 ? original.vector : original.vector.map((x) => x + sigma * noise());
      batch.push({ id: pointId(variantPath, original.payload.chunkIndex), vector, payload: { ...original.payload, path: variantPath } });
    }
    await store.upsert(batch);
    written += batch.length;
  }
  await store.markIndexed(new Date());
  await store.close();
  return written;
}

export async function benchSearch(options: {
  indexedDataDir: string;
  workDir: string;
  points: number;
  /** Must be the embedder that built indexedDataDir. Default use-lite. */
  embedder?: "use-lite" | "static";
  /** Default: vector only. */
  modes?: SearchMode[];
}): Promise<SearchBenchResult> {
  const embedderName = options.embedder ?? "use-lite";
  const modes = options.modes ?? ["vector"];
  const dataDir = path.join(options.workDir, "data");
  const [points, buildMs] = await timed(() => growStore(path.join(options.indexedDataDir, "kb"), path.join(dataDir, "kb"), options.points));
  console.log(`store: ${points} points, built in ${(buildMs / 1000).toFixed(1)} s`);

  const server = await startHttpServer(
    { dataDir, articlesDir: BUNDLED_ARTICLES_DIR },
    { KB_EMBEDDER: embedderName, MCP_RATE_LIMIT_PER_MINUTE: "0" },
  );
  const client = new Client({ name: "kb-bench", version: "1.0.0" });
  const mcpHttp: SearchBenchResult["mcpHttp"] = {};
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { "x-api-key": TEST_API_KEY } } }));
    for (const mode of modes) {
      const search = (query: string) => client.callTool({ name: "search_knowledge_base", arguments: { query, limit: 5, mode } });
      for (const query of BENCH_QUERIES.slice(0, 20)) await search(query); // warm-up
      const samples: number[] = [];
      for (let round = 0; round < 10; round++) {
        for (const query of BENCH_QUERIES) {
          const [result, ms] = await timed(() => search(`${query}${round > 0 ? ` (${round})` : ""}`));
          if (result.isError) throw new Error(`search failed: ${JSON.stringify(result.content)}`);
          samples.push(ms);
        }
      }
      mcpHttp[mode] = summarise(samples);
    }
  } finally {
    await client.close();
    await server.stop();
  }

  const embedder = await createEmbedder(embedderName === "static" ? { provider: "static" } : { provider: "use-lite", workers: 1 });
  const vectors = await embedder.embed(BENCH_QUERIES);
  await embedder.close?.();
  const store = await openEmbeddedStore({ dir: path.join(dataDir, "kb"), collection: COLLECTION });
  const categories = (await store.listCategories()).map((c) => c.category);
  const vectorSamples: number[] = [];
  const filteredSamples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const vector = vectors[i % vectors.length]!;
    vectorSamples.push((await timed(() => store.searchArticles(vector, { limit: 5 })))[1]);
    const category = categories[i % categories.length]!;
    filteredSamples.push((await timed(() => store.searchArticles(vector, { limit: 5, category })))[1]);
  }
  await store.close();

  return {
    embedder: embedderName,
    points,
    buildSeconds: buildMs / 1000,
    mcpHttp,
    vectorOnly: summarise(vectorSamples.slice(200)),
    vectorFiltered: summarise(filteredSamples.slice(200)),
  };
}

export function printSearchResult(result: SearchBenchResult): void {
  for (const [mode, latency] of Object.entries(result.mcpHttp)) {
    console.log(formatLatency(`${result.embedder}: ${mode} search through MCP/HTTP (${result.points} chunks, query embedding included)`, latency));
  }
  console.log(formatLatency("vector search alone, unfiltered", result.vectorOnly));
  console.log(formatLatency("vector search alone, filtered by category", result.vectorFiltered));
}
