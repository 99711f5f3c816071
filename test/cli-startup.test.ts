/**
 * `quantmind --help` must only declare commands: registering every service's commands may load
 * commander and a few small modules, never a service's runtime (queue, Redis, brokers, sandbox,
 * MCP server). Each CLI test spawns the CLI, so a runtime loaded at registration costs seconds
 * per spawn. A module hook records every module the CLI resolves; the test names what was loaded
 * that should not have been, and who imported it.
 */
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "./helpers/temp-dir.js";

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const CLI_SOURCE = path.join(ROOT, "services", "cli.ts");

/** Packages registration may load: commander declares, pino is behind the secret scrubbing of every error line. */
const ALLOWED_PACKAGES = new Set(["commander", "pino"]);
/** Service modules outside cli/ and shared/ that registration may load: constants without imports of their own. */
const ALLOWED_SERVICE_FILES = new Set(["services/backtest/jobs/record.ts", "services/agent/port.ts"]);

// Runs in Node's module-hooks thread, before tsx's hooks: logs each resolved module and its importer.
const HOOK = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.QM_IMPORT_LOG, JSON.stringify({ url: result.url, parent: context.parentURL }) + "\\n");
  return result;
}`;
const REGISTER_HOOK = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

interface Resolved {
  url: string;
  parent?: string;
}

/** The package a node_modules URL belongs to (`@scope/name` or `name`), or undefined for other URLs. */
function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

/** One line per name, with the first module that imported it: enough to find the static import to make lazy. */
function firstImporters(entries: readonly { name: string; parent: string }[]): string[] {
  const first = new Map<string, string>();
  for (const { name, parent } of entries) if (!first.has(name)) first.set(name, parent);
  return [...first].map(([name, parent]) => `${name} (first imported by ${parent})`);
}

function projectPath(url: string | undefined): string {
  if (url === undefined) return "(entry)";
  return url.startsWith("file:") ? path.relative(ROOT, fileURLToPath(url)) : url;
}

describe("quantmind CLI start-up", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let resolved: Resolved[];
  let result: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    temp = await makeTempDir("qm-cli-startup-");
    const log = path.join(temp.dir, "imports.jsonl");
    result = spawnSync(process.execPath, ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(REGISTER_HOOK)}`, CLI_SOURCE, "--help"], {
      cwd: ROOT,
      env: { ...process.env, QM_IMPORT_LOG: log },
      encoding: "utf8",
      timeout: 30_000,
    });
    const text = await readFile(log, "utf8").catch(() => "");
    resolved = text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Resolved);
  });
  afterAll(() => temp.remove());

  it("prints the help, and the hook saw the CLI load (the check below is not vacuous)", () => {
    expect(result.status, String(result.stderr)).toBe(0);
    expect(String(result.stdout)).toMatch(/^Usage: quantmind/);
    const paths = resolved.map((r) => projectPath(r.url));
    expect(paths).toContain("services/cli.ts");
    expect(paths).toContain("services/backtest/cli/commands.ts");
    expect(resolved.some((r) => packageOf(r.url) === "commander")).toBe(true);
  });

  it("loads no package beyond commander and pino: no bullmq, ioredis, ccxt, isolated-vm, MCP SDK, zod", () => {
    const extra = firstImporters(
      resolved
        .filter((r) => packageOf(r.url) !== undefined && packageOf(r.parent ?? "") === undefined)
        .map((r) => ({ name: packageOf(r.url)!, parent: projectPath(r.parent) })),
    ).filter((line) => !ALLOWED_PACKAGES.has(line.split(" ")[0]!));
    expect(extra).toEqual([]);
  });

  it("loads no service runtime: only cli/ and shared/ modules and the small constant modules", () => {
    const runtime = firstImporters(
      resolved
        .map((r) => ({ name: projectPath(r.url), parent: projectPath(r.parent) }))
        .filter(({ name }) => name.startsWith("services/") && !/^services\/(cli\.ts$|shared\/|[^/]+\/cli\/)/.test(name) && !ALLOWED_SERVICE_FILES.has(name)),
    );
    expect(runtime).toEqual([]);
  });
});
