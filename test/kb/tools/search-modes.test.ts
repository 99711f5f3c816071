/**
 * search_knowledge_base's `mode` through the official MCP client (in memory), over the bundled
 * corpus indexed with the static embedder (a couple of seconds, no model to load).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_ARTICLES_DIR } from "../../../services/kb/config.js";
import { createStaticEmbedder } from "../../../services/kb/embed/static.js";
import { indexArticles } from "../../../services/kb/indexer.js";
import { DEFAULT_SEARCH_MODE } from "../../../services/kb/search.js";
import { createKbServer } from "../../../services/kb/server.js";
import { openEmbeddedStore, type EmbeddedVectorStore } from "../../../services/kb/stores/embedded-store.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

interface Output {
  mode: string;
  count: number;
  results: { path: string; categories: string[]; score: number }[];
}

describe("search_knowledge_base modes", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let store: EmbeddedVectorStore;
  let client: Client;

  beforeAll(async () => {
    temp = await makeTempDir();
    store = await openEmbeddedStore({ dir: path.join(temp.dir, "kb"), collection: "kb" });
    const embedder = createStaticEmbedder();
    await indexArticles({ articlesRoot: BUNDLED_ARTICLES_DIR, store, embedder });
    const server = createKbServer({ store, embedder, articlesRoot: BUNDLED_ARTICLES_DIR });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: "modes-test", version: "1.0.0" });
    await client.connect(clientSide);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await store?.close();
    await temp?.remove();
  });

  async function search(args: Record<string, unknown>): Promise<Output> {
    const result = await client.callTool({ name: "search_knowledge_base", arguments: args });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return result.structuredContent as unknown as Output;
  }

  it("defaults to the one default mode and says which mode ran", async () => {
    expect((await search({ query: "trailing stop" })).mode).toBe(DEFAULT_SEARCH_MODE);
    for (const mode of ["vector", "keyword", "hybrid"]) expect((await search({ query: "trailing stop", mode })).mode).toBe(mode);
  });

  it("keyword and hybrid find an identifier's article first", async () => {
    for (const mode of ["keyword", "hybrid"]) {
      const out = await search({ query: "ORDER_FILLING_FOK", mode, limit: 5 });
      expect(out.results[0]!.path, mode).toMatch(/filling/);
      expect(new Set(out.results.map((r) => r.path)).size).toBe(out.results.length);
    }
  });

  it("keeps the category filter in every mode", async () => {
    for (const mode of ["vector", "keyword", "hybrid"]) {
      const out = await search({ query: "position size risk", mode, limit: 10, category: "risk-management" });
      expect(out.count).toBeGreaterThan(0);
      expect(out.results.every((r) => r.categories.includes("risk-management")), mode).toBe(true);
    }
  });

  it("keyword mode returns nothing, not an error, when no word matches", async () => {
    expect((await search({ query: "zzzqqqxxx", mode: "keyword" })).count).toBe(0);
  });

  it("refuses an unknown mode, naming the field", async () => {
    const result = await client.callTool({ name: "search_knowledge_base", arguments: { query: "x", mode: "fuzzy" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/mode/);
  });
});
