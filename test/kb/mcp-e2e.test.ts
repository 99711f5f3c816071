/**
 * The knowledge base end to end: the real CLI, the real default embedding model and part of the
 * sample corpus (indexed once in global setup), driven by the official MCP SDK client over stdio
 * and HTTP.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectHttp, connectStdio, TEST_API_KEY, type ConnectedKb } from "../helpers/kb-cli.js";

async function corpus(root: string): Promise<Map<string, number>> {
  const perCategory = new Map<string, number>();
  for (const folder of await readdir(root)) {
    const files = (await readdir(path.join(root, folder))).filter((f) => f.endsWith(".md"));
    perCategory.set(folder, files.length);
  }
  return perCategory;
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

describe.each([
  ["stdio", connectStdio],
  ["http", connectHttp],
] as const)("knowledge-base MCP over %s", (transport, connect) => {
  let kb: ConnectedKb;
  let folders: Map<string, number>;
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await kb.client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    folders = await corpus(inject("kbArticlesDir"));
    kb = await connect({ dataDir: inject("kbDataDir"), articlesDir: inject("kbArticlesDir") });
  });
  afterAll(() => kb?.close());

  it("lists the four tools with their input schemas", async () => {
    const { tools } = await kb.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_article_content", "kb_stats", "list_categories", "search_knowledge_base"]);
    const search = tools.find((t) => t.name === "search_knowledge_base")!;
    expect(search.inputSchema.required).toEqual(["query"]);
    expect(search.annotations?.readOnlyHint).toBe(true);
  });

  it("search_knowledge_base searches on the start of a query longer than the model's window (vector mode)", async () => {
    // Digits and commas cost a token each: 1,000 characters of them are far over a 256-token window.
    const long = `How should an expert advisor size positions from the ATR? ${"7,".repeat(500)}`.slice(0, 1000);
    const result = await call("search_knowledge_base", { query: long, limit: 2, mode: "vector" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ query_truncated: true, count: 2 });
  });

  it("search_knowledge_base finds the article that answers the question, one result per article", async () => {
    const result = await call("search_knowledge_base", { query: "How do I size a position from the average true range?", limit: 3 });
    expect(result.isError).toBeFalsy();
    const { results } = result.structuredContent as { results: { path: string; score: number; preview: string; title: string }[] };
    expect(results).toHaveLength(3);
    expect(new Set(results.map((r) => r.path)).size).toBe(3);
    expect(results.map((r) => r.path)).toContain("risk-management/atr-position-sizing.md");
    expect(results[0]!.score).toBeGreaterThanOrEqual(results[2]!.score);
    expect(results[0]!.preview.length).toBeGreaterThan(20);
    expect(text(result)).toContain(results[0]!.title);
  });

  it("search_knowledge_base filters by category in the store, returning every match up to the limit (vector mode: every article matches)", async () => {
    const expected = folders.get("backtesting")!;
    const result = await call("search_knowledge_base", { query: "moving average crossover entry rules", limit: 50, category: "backtesting", mode: "vector" });
    const { results } = result.structuredContent as { results: { categories: string[] }[] };
    expect(results.length).toBeGreaterThanOrEqual(expected);
    for (const r of results) expect(r.categories).toContain("backtesting");
  });

  it("get_article_content returns the whole article", async () => {
    const result = await call("get_article_content", { path: "risk-management/atr-position-sizing.md" });
    expect(result.isError).toBeFalsy();
    const article = result.structuredContent as { title: string; content: string; categories: string[] };
    expect(article.categories).toContain("risk-management");
    expect(article.content).toMatch(/```mql5/);
    expect(text(result)).toContain(article.title);
  });

  it.each([
    "../package.json",
    "risk-management/../../package.json",
    "/etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd.md",
    "..\\..\\secret.md",
    "risk-management/atr-position-sizing.json",
    ".hidden/notes.md",
  ])("get_article_content refuses %j", async (requested) => {
    const result = await call("get_article_content", { path: requested });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^PATH_REFUSED: /);
  });

  it("get_article_content reports an unknown article", async () => {
    const result = await call("get_article_content", { path: "risk-management/no-such-article.md" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^NOT_FOUND: /);
  });

  it("kb_stats describes the embedded collection and its model", async () => {
    const stats = (await call("kb_stats")).structuredContent as Record<string, unknown>;
    const articles = [...folders.values()].reduce((a, b) => a + b, 0);
    expect(stats).toMatchObject({ backend: "embedded", collection: "mql5_articles", articles, dimension: 512 });
    expect(stats.model).toMatch(/^use-lite/);
    expect(stats.points as number).toBeGreaterThan(articles);
    expect(Date.parse(stats.last_indexed_at as string)).not.toBeNaN();
  });

  it("list_categories counts articles per category", async () => {
    const { categories } = (await call("list_categories")).structuredContent as { categories: { category: string; articles: number }[] };
    for (const [folder, count] of folders) {
      // Articles of other folders may list this category too, so the folder count is a floor.
      expect(categories.find((c) => c.category === folder)?.articles).toBeGreaterThanOrEqual(count);
    }
    const sorted = [...categories].sort((a, b) => b.articles - a.articles || a.category.localeCompare(b.category));
    expect(categories).toEqual(sorted);
  });

  it.each([
    ["search_knowledge_base", { query: "" }, "query"],
    ["search_knowledge_base", { query: "x".repeat(1001) }, "query"],
    ["search_knowledge_base", { query: "atr", limit: 0 }, "limit"],
    ["search_knowledge_base", { query: "atr", limit: 51 }, "limit"],
    ["search_knowledge_base", { query: "atr", limit: 2.5 }, "limit"],
    ["search_knowledge_base", { query: "atr", category: "" }, "category"],
    ["search_knowledge_base", {}, "query"],
    ["get_article_content", {}, "path"],
    ["get_article_content", { path: 42 }, "path"],
  ])("%s with invalid arguments %j is an error naming %s", async (tool, args, field) => {
    const result = await call(tool, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Input validation error/);
    expect(text(result)).toMatch(new RegExp(`\\b${field}\\b`));
  });

  it("serves each article as a resource", async () => {
    const { resources } = await kb.client.listResources();
    const articles = [...folders.values()].reduce((a, b) => a + b, 0);
    expect(resources).toHaveLength(articles);
    const atr = resources.find((r) => r.uri === "kb://articles/risk-management/atr-position-sizing.md");
    expect(atr?.mimeType).toBe("text/markdown");
    const read = await kb.client.readResource({ uri: atr!.uri });
    expect(read.contents[0]).toMatchObject({ mimeType: "text/markdown" });
    expect((read.contents[0] as { text: string }).text).toMatch(/^# /);
    await expect(kb.client.readResource({ uri: "kb://articles/..%2F..%2FREADME.md" })).rejects.toThrow(/traversal/);
    await expect(kb.client.readResource({ uri: "kb://articles/%252e%252e/README.md" })).rejects.toThrow(/percent-encoding/);
  });

  if (transport === "http") {
    it("answers 401 without or with a wrong key, and 405 to GET and DELETE", async () => {
      const url = kb.mcpUrl!;
      const init = { jsonrpc: "2.0", id: 1, method: "tools/list" };
      const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
      expect((await fetch(url, { method: "POST", headers, body: JSON.stringify(init) })).status).toBe(401);
      expect(
        (await fetch(url, { method: "POST", headers: { ...headers, "x-api-key": "wrong-key-0123456789" }, body: JSON.stringify(init) })).status,
      ).toBe(401);
      for (const method of ["GET", "DELETE"]) {
        const response = await fetch(url, { method, headers: { "x-api-key": TEST_API_KEY } });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toContain("POST");
      }
      expect(
        (await fetch(url, { method: "POST", headers: { ...headers, authorization: `Bearer ${TEST_API_KEY}x` }, body: JSON.stringify(init) })).status,
      ).toBe(401);
    });
  }

  // Last, so every request above, the refused ones included, has had its chance to leak the key.
  it("never logs the API key", () => {
    expect(kb.stderr()).not.toContain(TEST_API_KEY);
  });
});
