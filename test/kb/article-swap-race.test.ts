/**
 * The article guard against a folder swapped between a real directory and a symbolic link to a
 * directory outside the root while requests run (a check-then-open race). A separate process
 * keeps swapping; over 1,500 reads through the tool and the resource, nothing outside the root
 * is ever served, and every refusal is NOT_FOUND or PATH_REFUSED, never INTERNAL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArticle } from "../../services/kb/read-article.js";
import { createKbServer } from "../../services/kb/server.js";
import type { VectorStore } from "../../services/kb/stores/vector-store.js";
import { QuantMindError } from "../../services/shared/errors.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const REQUESTS = 1500;
const article = (marker: string) => `---\ntitle: ${marker}\nurl: https://example.com/${marker}\n---\n\n${marker} body\n`;

let temp: { dir: string; remove: () => Promise<void> };
let root: string;
let swapper: ChildProcess;

beforeAll(async () => {
  temp = await makeTempDir("qm-kb-race-");
  root = path.join(temp.dir, "articles");
  const outside = path.join(temp.dir, "outside");
  await mkdir(path.join(root, "swap"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, "swap", "a.md"), article("INSIDE"));
  await writeFile(path.join(outside, "a.md"), article("OUTSIDE-SECRET"));
  await symlink(outside, path.join(temp.dir, "parked-link"));
  // Swaps root/swap between the real folder and the link as fast as it can, from another process.
  const script = `
    const { renameSync } = require("node:fs");
    const [swap, real, link] = process.argv.slice(1);
    for (;;) {
      renameSync(swap, real); renameSync(link, swap);
      renameSync(swap, link); renameSync(real, swap);
    }`;
  swapper = spawn(process.execPath, ["-e", script, path.join(root, "swap"), path.join(temp.dir, "parked-real"), path.join(temp.dir, "parked-link")], {
    stdio: "ignore",
  });
});

afterAll(async () => {
  const exited = new Promise((resolve) => swapper.once("exit", resolve));
  swapper.kill("SIGKILL");
  await exited;
  await temp?.remove();
});

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe("reading an article while its folder is swapped for a link out of the root", () => {
  it(`readArticle: ${REQUESTS} reads, no leak, only NOT_FOUND or PATH_REFUSED refusals`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      try {
        const read = await readArticle(root, "swap/a.md");
        outcomes.push(read.title);
      } catch (error) {
        outcomes.push(error instanceof QuantMindError ? error.code : `raw ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
    }
    const counts = tally(outcomes);
    expect(counts["OUTSIDE-SECRET"] ?? 0, JSON.stringify(counts)).toBe(0);
    expect(Object.keys(counts).filter((k) => !["INSIDE", "NOT_FOUND", "PATH_REFUSED"].includes(k)), JSON.stringify(counts)).toEqual([]);
    // The loop really raced: both the real folder and the link were met.
    expect(counts.INSIDE ?? 0, JSON.stringify(counts)).toBeGreaterThan(0);
    expect((counts.PATH_REFUSED ?? 0) + (counts.NOT_FOUND ?? 0), JSON.stringify(counts)).toBeGreaterThan(0);
  });

  it("the tool and the resource: no leak and no INTERNAL either", async () => {
    const store = { backend: "embedded", collection: "c" } as unknown as VectorStore;
    const embedder = { model: "m", dimension: 1, maxInputTokens: 1, countTokens: () => 1, embed: async () => [] };
    const server = createKbServer({ store, embedder, articlesRoot: root });
    const client = new Client({ name: "race", version: "1" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(a), client.connect(b)]);
    const outcomes: string[] = [];
    for (let i = 0; i < 300; i++) {
      const result = await client.callTool({ name: "get_article_content", arguments: { path: "swap/a.md" } });
      const text = (result.content as { text: string }[])[0]!.text;
      outcomes.push(result.isError ? text.split(":")[0]! : text.includes("OUTSIDE-SECRET") ? "OUTSIDE-SECRET" : "INSIDE");
      try {
        const read = await client.readResource({ uri: "kb://articles/swap/a.md" });
        outcomes.push((read.contents[0] as { text: string }).text.includes("OUTSIDE-SECRET") ? "OUTSIDE-SECRET" : "INSIDE");
      } catch (error) {
        outcomes.push(/PATH_REFUSED|NOT_FOUND/.exec((error as Error).message)?.[0] ?? `resource ${(error as Error).message}`);
      }
    }
    await client.close();
    const counts = tally(outcomes);
    expect(Object.keys(counts).filter((k) => !["INSIDE", "NOT_FOUND", "PATH_REFUSED"].includes(k)), JSON.stringify(counts)).toEqual([]);
  });
});
