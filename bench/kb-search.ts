/**
 * Search latency with 20,000 chunks in the embedded store:
 * - through MCP over HTTP, against the real `quantmind serve kb` process, query embedding
 *   included (the official SDK client, one request at a time);
 * - the vector search alone (store.searchArticles), unfiltered and filtered by category.
 *
 * The store is grown from real embeddings: every chunk of one copy of the sample corpus, plus
 * noisy variants of it (cosine ~0.85 to the original) under distinct paths, so the index holds
 * realistic clusters rather than uniform noise or exact duplicates.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import path from "node:path";
import { createUseLiteEmbedder, USE_LITE_DIMENSION, USE_LITE_MODEL } from "../services/kb/embed/use-lite.js";
import { openEmbeddedStore } from "../services/kb/stores/embedded-store.js";
import type { StoredPoint } from "../services/kb/stores/vector-store.js";
import { pointId } from "../services/kb/point-id.js";
import { BUNDLED_ARTICLES_DIR } from "../services/kb/config.js";
import { startHttpServer, TEST_API_KEY } from "../test/helpers/kb-cli.js";
import { BENCH_QUERIES } from "./queries.js";
import { formatLatency, summarise, timed, type LatencySummary } from "./lib/stats.js";

const COLLECTION = "mql5_articles";

export interface SearchBenchResult {
  points: number;
  buildSeconds: number;
  mcpHttp: LatencySummary;
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
  await source.close();
  const store = await openEmbeddedStore({ dir: targetDir, collection: COLLECTION });
  await store.ensureCollection({ model: USE_LITE_MODEL, dimension: USE_LITE_DIMENSION });
  const noise = gaussian(42);
  const sigma = 0.62 / Math.sqrt(USE_LITE_DIMENSION);
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

export async function benchSearch(options: { indexedDataDir: string; workDir: string; points: number }): Promise<SearchBenchResult> {
  const dataDir = path.join(options.workDir, "data");
  const [points, buildMs] = await timed(() => growStore(path.join(options.indexedDataDir, "kb"), path.join(dataDir, "kb"), options.points));
  console.log(`store: ${points} points, built in ${(buildMs / 1000).toFixed(1)} s`);

  const server = await startHttpServer({ dataDir, articlesDir: BUNDLED_ARTICLES_DIR });
  const client = new Client({ name: "kb-bench", version: "1.0.0" });
  const mcpSamples: number[] = [];
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { "x-api-key": TEST_API_KEY } } }));
    const search = (query: string) => client.callTool({ name: "search_knowledge_base", arguments: { query, limit: 5 } });
    for (const query of BENCH_QUERIES.slice(0, 20)) await search(query); // warm-up
    for (let round = 0; round < 10; round++) {
      for (const query of BENCH_QUERIES) {
        const [result, ms] = await timed(() => search(`${query}${round > 0 ? ` (${round})` : ""}`));
        if (result.isError) throw new Error(`search failed: ${JSON.stringify(result.content)}`);
        mcpSamples.push(ms);
      }
    }
  } finally {
    await client.close();
    await server.stop();
  }

  const embedder = createUseLiteEmbedder();
  const vectors = await embedder.embed(BENCH_QUERIES);
  await embedder.close();
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
    points,
    buildSeconds: buildMs / 1000,
    mcpHttp: summarise(mcpSamples),
    vectorOnly: summarise(vectorSamples.slice(200)),
    vectorFiltered: summarise(filteredSamples.slice(200)),
  };
}

export function printSearchResult(result: SearchBenchResult): void {
  console.log(formatLatency(`search through MCP/HTTP (${result.points} chunks, query embedding included)`, result.mcpHttp));
  console.log(formatLatency("vector search alone, unfiltered", result.vectorOnly));
  console.log(formatLatency("vector search alone, filtered by category", result.vectorFiltered));
}
