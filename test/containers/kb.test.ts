/**
 * The knowledge base in containers, deployed as the Docker targets deploy it: the kb-indexer job
 * then the kb-mcp daemon, with the shared hardening flags, the catalogue's command, environment
 * and secret files, and the shared health probe (see helpers/kb-stack.ts for the embedded store
 * and the host network). Checked from outside (engine, MCP client) and inside (kernel, writes).
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { serviceHardening } from "./helpers/container-args.js";
import { engineHardening, expectedEngineHardening, exec, kernelView, probeWrites } from "./helpers/containers.js";
import { freePort } from "./helpers/free-port.js";
import { REPO_ROOT } from "./helpers/image.js";
import { catalogueEntry, KB_DATA_DIR, startKbStack, type KbStack } from "./helpers/kb-stack.js";

const READ_ONLY = "Read-only file system";

describe("the knowledge base in containers", () => {
  const run = inject("containerRun");
  let kb: KbStack;
  let client: Client | undefined;

  beforeAll(async () => {
    kb = await startKbStack(run);
    process.stderr.write(
      `kb-indexer ran ${kb.indexer.seconds.toFixed(1)} s; kb-mcp healthy ${kb.mcp.secondsToHealthy.toFixed(1)} s after start\n`,
    );
  });
  afterAll(async () => {
    await client?.close();
    await kb?.remove();
  });

  it("the kb-indexer job indexes every mounted article into the shared volume and exits 0", async () => {
    const articles = (await readdir(path.join(REPO_ROOT, "data", "articles", "risk-management"))).filter((f) => f.endsWith(".md"));
    expect(kb.indexer.exitCode).toBe(0);
    expect(kb.indexer.output).toContain(`indexed ${articles.length} articles`);
    expect(kb.indexer.output).toContain("skipped 0");
  });

  it("kb-mcp turns healthy through the catalogue's probe, and the probe fails when nothing answers", async () => {
    const health = await fetch(`http://127.0.0.1:${kb.port}/healthz`);
    expect(health.status).toBe(200);
    // Details (service, counts) are for callers with the key; the probe sees the status only.
    expect(await health.json()).toEqual({ status: "ok" });
    const probeElsewhere = await exec(kb.mcp.name, ["node", "/app/bin/healthcheck.js", String(await freePort())]);
    expect(probeElsewhere.code).toBe(1);
    expect(probeElsewhere.stderr).toContain("ECONNREFUSED");
  });

  it.each(["kb-indexer", "kb-mcp"])("the engine ran %s with the shared hardening", async (service) => {
    const h = serviceHardening(catalogueEntry(service));
    const name = service === "kb-mcp" ? kb.mcp.name : kb.indexer.name;
    expect(await engineHardening(name)).toEqual(expectedEngineHardening(h));
  });

  it("kb-mcp runs as 10001:10001 with no capabilities, no new privileges and its limits in force", async () => {
    const h = serviceHardening(catalogueEntry("kb-mcp"));
    expect((await exec(kb.mcp.name, ["id", "-u"])).stdout.trim()).toBe("10001");
    const kernel = await kernelView(kb.mcp.name);
    expect(kernel.uids).toEqual([10001, 10001, 10001, 10001]);
    expect(kernel.gids).toEqual([10001, 10001, 10001, 10001]);
    expect(kernel.effectiveCapabilities).toBe(0n);
    expect(kernel.noNewPrivs).toBe(true);
    expect(kernel.pidsMax).toBe(String(h.pidsLimit));
    expect(kernel.memoryLimitBytes).toBe(h.memoryMb * 1024 * 1024);
  });

  it("kb-mcp can write only to its tmpfs and its data volume; the tmpfs runs nothing", async () => {
    const writes = await probeWrites(kb.mcp.name, ["/", "/app", "/app/dist", "/etc", "/usr/local/bin", "/var/tmp", SECRETS_DIR, "/tmp", KB_DATA_DIR]);
    expect(writes).toEqual({
      "/": READ_ONLY,
      "/app": READ_ONLY,
      "/app/dist": READ_ONLY,
      "/etc": READ_ONLY,
      "/usr/local/bin": READ_ONLY,
      "/var/tmp": READ_ONLY,
      [SECRETS_DIR]: READ_ONLY,
      "/tmp": "ok",
      [KB_DATA_DIR]: "ok",
    });
    const run = await exec(kb.mcp.name, ["sh", "-c", "cp /bin/true /tmp/qm-exec-probe && /tmp/qm-exec-probe"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Permission denied");
  });

  it("kb-mcp's secrets are files it owns with mode 0400, named by <VAR>_FILE", async () => {
    const script =
      'const fs = require("node:fs"); const out = {};' +
      'for (const v of ["MCP_API_KEY", "QDRANT_API_KEY"]) { const f = process.env[`${v}_FILE`]; const s = fs.statSync(f);' +
      " out[v] = { file: f, uid: s.uid, gid: s.gid, mode: (s.mode & 0o777).toString(8), set: v in process.env }; }" +
      "console.log(JSON.stringify(out));";
    const result = await exec(kb.mcp.name, ["node", "-e", script]);
    expect(result.stderr).toBe("");
    const file = (v: string) => ({ file: `${SECRETS_DIR}/${v}`, uid: 10001, gid: 10001, mode: "400", set: false });
    expect(JSON.parse(result.stdout)).toEqual({ MCP_API_KEY: file("MCP_API_KEY"), QDRANT_API_KEY: file("QDRANT_API_KEY") });
  });

  it("kb-mcp answers the official MCP client over HTTP with its API key", async () => {
    client = new Client({ name: "container-tier", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${kb.port}/mcp`), {
        requestInit: { headers: { "x-api-key": kb.apiKey } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_article_content", "kb_stats", "list_categories", "search_knowledge_base"]);

    const search = (await client.callTool({
      name: "search_knowledge_base",
      arguments: { query: "How do I size a position from the average true range?", limit: 3 },
    })) as CallToolResult;
    expect(search.isError).toBeFalsy();
    const { results } = search.structuredContent as { results: { path: string }[] };
    expect(results.map((r) => r.path)).toContain("risk-management/atr-position-sizing.md");

    const stats = (await client.callTool({ name: "kb_stats", arguments: {} })) as CallToolResult;
    expect(stats.structuredContent).toMatchObject({ backend: "embedded" });

    const article = (await client.callTool({ name: "get_article_content", arguments: { path: "risk-management/atr-position-sizing.md" } })) as CallToolResult;
    expect(article.isError).toBeFalsy();
  });

  it("kb-mcp refuses /mcp without the key, or with another one", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const post = (extra: Record<string, string>) => fetch(`http://127.0.0.1:${kb.port}/mcp`, { method: "POST", headers: { ...headers, ...extra }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-api-key": `${kb.apiKey}x` })).status).toBe(401);
    expect((await post({ "x-api-key": kb.apiKey })).status).toBe(200);
  });
});
