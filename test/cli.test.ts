/** The `quantmind` CLI as an operator runs it: exit codes, one-line errors, help, and `start`. */
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_ARTICLES_DIR } from "../services/kb/config.js";
import { CLI, startHttpServer, TEST_API_KEY } from "./helpers/kb-cli.js";
import { makeTempDir } from "./helpers/temp-dir.js";

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("quantmind CLI", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir("qm-cli-");
  });
  afterAll(() => temp.remove());

  it.each([[[]], [["index"]], [["serve", "kb"]], [["start"]]])("prints help for %j", (args) => {
    const result = run([...args, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: quantmind/);
  });

  it("stops with one line naming a bad variable, exit code 2", () => {
    const result = run(["serve", "kb", "--transport", "http"], { MCP_PORT: "eighty", QM_DATA_DIR: temp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^quantmind: MCP_PORT="eighty": /);
  });

  it("refuses an invalid option value before doing any work", () => {
    const result = run(["serve", "kb", "--transport", "carrier-pigeon"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--transport.*carrier-pigeon|carrier-pigeon.*stdio, http/s);
  });

  it("serve kb reads its API key from MCP_API_KEY_FILE", async () => {
    const keyFile = path.join(temp.dir, "mcp-api-key");
    await writeFile(keyFile, "key-from-a-secret-file-0123456789\n");
    const server = await startHttpServer(
      { dataDir: path.join(temp.dir, "file-key-data"), articlesDir: BUNDLED_ARTICLES_DIR },
      { MCP_API_KEY: "", MCP_API_KEY_FILE: keyFile },
    );
    try {
      const list = (key: string) =>
        fetch(server.mcpUrl, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": key },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
        });
      expect((await list("key-from-a-secret-file-0123456789")).status).toBe(200);
      expect((await list(TEST_API_KEY)).status).toBe(401);
      expect(server.stderr()).not.toContain("key-from-a-secret-file-0123456789");
    } finally {
      await server.stop();
    }
  });

  it("index exits non-zero when nothing could be indexed, and says why", async () => {
    const articles = path.join(temp.dir, "broken");
    await mkdir(articles);
    await writeFile(path.join(articles, "a.md"), "no frontmatter here");
    await writeFile(path.join(articles, "b.md"), "---\ntitle: B\n---\nmissing url");
    const result = run(["index", "--articles", articles], { QM_DATA_DIR: path.join(temp.dir, "broken-data") });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("skipped a.md: no YAML frontmatter");
    expect(result.stdout).toContain("skipped b.md: frontmatter url");
    expect(result.stderr).toMatch(/quantmind: none of the 2 articles could be indexed/);

    const empty = path.join(temp.dir, "empty");
    await mkdir(empty);
    const none = run(["index", "--articles", empty], { QM_DATA_DIR: path.join(temp.dir, "empty-data") });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no Markdown articles under .*empty/);
  });

  it("start indexes, serves on loopback, writes the key and client configs 0600, and stops on SIGTERM", async () => {
    const articles = path.join(temp.dir, "one");
    await cp(path.join(BUNDLED_ARTICLES_DIR, "risk-management/atr-position-sizing.md"), path.join(articles, "risk-management/atr.md"));
    const dataDir = path.join(temp.dir, "start-data");
    // Every part on a free port: a fixed one may be taken by anything else on the machine.
    const child = spawn(process.execPath, [CLI, "start", "--port", "0", "--backtest-port", "0", "--agent-port", "0"], {
      env: { ...process.env, LOG_LEVEL: "warn", QM_DATA_DIR: dataDir, KB_ARTICLES_DIR: articles },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`start did not come up:\n${stdout}\n${stderr}`)), 90_000);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`start exited with ${code} before coming up:\n${stdout}\n${stderr}`));
      });
      child.stdout.on("data", () => {
        if (stdout.includes("Press Ctrl+C")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const mcpUrl = /MCP endpoint \(Streamable HTTP\): (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/indexed 1 articles/);
    const keyFile = path.join(dataDir, "api-key");
    const clientsFile = path.join(dataDir, "mcp-clients.json");
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(clientsFile)).mode & 0o777).toBe(0o600);
    const key = (await readFile(keyFile, "utf8")).trim();
    expect(stdout).not.toContain(key);
    // The status is open to the probe; the details only to a caller with the key.
    const healthUrl = mcpUrl.replace(/\/mcp$/, "/healthz");
    expect(await (await fetch(healthUrl)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(healthUrl, { headers: { "x-api-key": key } })).json()).toMatchObject({ status: "ok", service: "kb" });
    const clients = JSON.parse(await readFile(clientsFile, "utf8"));
    expect(clients.cursor.mcpServers["quantmind-kb"]).toEqual({ url: mcpUrl, headers: { "x-api-key": key } });
    expect(clients.vscode.servers["quantmind-kb"]).toMatchObject({ type: "http", url: mcpUrl });

    const listed = await fetch(mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-api-key": key },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect((await listed.json()).result.tools).toHaveLength(4);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Three services start in one process (and the index embeds): on a loaded two-core machine, about a minute.
  }, 150_000);
});
