/**
 * The codes the README promises, on the wire: a refused or missing article resource comes back
 * with PATH_REFUSED / NOT_FOUND (message and data.code), not as -32603 "internal error"; and a
 * `tools/call` whose `arguments` is not an object is -32602 invalid params in one line, not a
 * zod dump. Through the official client over the in-memory transport, for kb and qc.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolResultSchema, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKbServer } from "../../services/kb/server.js";
import type { VectorStore } from "../../services/kb/stores/vector-store.js";
import { createQcDeps } from "../../services/qc/app.js";
import { loadQcConfig } from "../../services/qc/config.js";
import { createQcServer } from "../../services/qc/server.js";
import { makeTempDir } from "../helpers/temp-dir.js";

let temp: { dir: string; remove: () => Promise<void> };
let kb: Client;

async function connect(server: McpServer): Promise<Client> {
  const client = new Client({ name: "errors", version: "1" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return client;
}

async function rpcError(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

beforeAll(async () => {
  temp = await makeTempDir("qm-kb-errors-");
  const root = path.join(temp.dir, "articles");
  await mkdir(path.join(root, "risk"), { recursive: true });
  await writeFile(path.join(root, "risk", "a.md"), "---\ntitle: A\nurl: https://example.com/a\n---\n\nbody\n");
  const store = { backend: "embedded", collection: "c", stats: async () => ({ points: 0, articles: 0 }), getCollectionMeta: async () => null } as unknown as VectorStore;
  const embedder = { model: "m", dimension: 1, maxInputTokens: 1, countTokens: () => 1, embed: async () => [] };
  kb = await connect(createKbServer({ store, embedder, articlesRoot: root }));
});
afterAll(async () => {
  await kb?.close();
  await temp?.remove();
});

describe("article resources carry the tools' codes", () => {
  it("a missing article is NOT_FOUND (-32002, the MCP code for a missing resource)", async () => {
    const error = await rpcError(kb.readResource({ uri: "kb://articles/risk/nope.md" }));
    expect(error.code).toBe(-32002);
    expect(error.message).toMatch(/NOT_FOUND: no article at "risk\/nope\.md"/);
    expect(error.data).toMatchObject({ code: "NOT_FOUND" });
  });

  it("a traversal or a non-Markdown path is PATH_REFUSED (-32602)", async () => {
    for (const uri of ["kb://articles/risk/..%2F..%2Fetc%2Fpasswd.md", "kb://articles/risk/a.txt", "kb://articles/%E0%A4%A"]) {
      const error = await rpcError(kb.readResource({ uri }));
      expect([uri, error.code]).toEqual([uri, ErrorCode.InvalidParams]);
      expect(error.message).toMatch(/PATH_REFUSED: /);
      expect(error.data).toMatchObject({ code: "PATH_REFUSED" });
    }
  });

  it("a readable article still reads", async () => {
    const read = await kb.readResource({ uri: "kb://articles/risk/a.md" });
    expect((read.contents[0] as { text: string }).text).toBe("# A\n\nbody");
  });
});

describe("tools/call with arguments that are not an object", () => {
  const bad = [JSON.stringify("x"), "42", "[1,2]", "null"];

  it.each(bad)("kb: arguments %s is -32602 in one line, no zod dump", async (raw) => {
    const error = await rpcError(
      kb.request({ method: "tools/call", params: { name: "kb_stats", arguments: JSON.parse(raw) as Record<string, unknown> } }, CallToolResultSchema),
    );
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toMatch(/invalid params for tools\/call: (params\.)?arguments: /);
    expect(error.message).not.toContain("\n");
    expect(error.message).not.toContain('"code"');
  });

  it("qc: the same", async () => {
    const config = loadQcConfig({ QC_USER_ID: "1", QC_API_TOKEN: "token-12345678", QC_API_URL: "http://127.0.0.1:9" });
    const qc = await connect(createQcServer(createQcDeps(config, undefined)));
    try {
      const error = await rpcError(
        qc.request({ method: "tools/call", params: { name: "read_account", arguments: "x" as unknown as Record<string, unknown> } }, CallToolResultSchema),
      );
      expect(error.code).toBe(ErrorCode.InvalidParams);
      expect(error.message).toMatch(/invalid params for tools\/call: (params\.)?arguments: /);
    } finally {
      await qc.close();
    }
  });
});
