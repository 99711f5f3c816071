/**
 * `npm run rotate-secret` as an operator runs it: the value piped on stdin (one trailing newline
 * dropped), a fake `pulumi` on PATH, and no controlling terminal (a new session), so only --yes
 * can approve the deploy.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakePulumi, type FakePulumi } from "../helpers/fake-pulumi.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(REPO, "scripts/rotate-secret.ts");
const TSX = path.join(REPO, "node_modules/tsx/dist/loader.mjs");

function rotateSecret(cwd: string, env: NodeJS.ProcessEnv, stdin: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // detached: a new session without a controlling terminal, as under cron or CI.
    const child = spawn(process.execPath, ["--import", TSX, SCRIPT, ...args], { cwd, env, detached: true, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin.end(stdin);
  });
}

describe("scripts/rotate-secret.ts", () => {
  const fakes = new Map<string, FakePulumi>();
  const fake = (name: string) => fakes.get(name) as FakePulumi;
  const temps: Awaited<ReturnType<typeof makeTempDir>>[] = [];

  beforeAll(async () => {
    for (const name of ["yes", "noTerminal", "empty"]) {
      const temp = await makeTempDir(`qm-rotate-cli-${name}-`);
      temps.push(temp);
      await writeFile(path.join(temp.dir, "Pulumi.prod.yaml"), "config:\n  quantmind:target: aws\n  quantmind:environment: prod\n");
      fakes.set(name, await installFakePulumi(temp.dir));
    }
  });
  afterAll(() => Promise.all(temps.map((temp) => temp.remove())));

  it("pipes the value to pulumi (never in argv), with --yes deploys, without a terminal refuses, and refuses an empty value", async () => {
    const [yes, noTerminal, empty] = [fake("yes"), fake("noTerminal"), fake("empty")];
    const [approved, unapproved, blank] = await Promise.all([
      rotateSecret(yes.dir, yes.env(), "s3cr3t-from-a-pipe\n", "qdrantApiKey", "--stack", "prod", "--yes", "--set"),
      rotateSecret(noTerminal.dir, noTerminal.env(), "s3cr3t-from-a-pipe\n", "qdrantApiKey", "--stack", "prod"),
      rotateSecret(empty.dir, empty.env(), "\n", "redisPassword", "--stack", "prod", "--yes", "--set"),
    ]);

    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain("pulumi up will replace the services that receive it: qdrant, kb-indexer, kb-mcp");
    const calls = await yes.calls();
    expect(calls.map((call) => call.argv)).toEqual([
      ["config", "set", "--secret", "--stack", "prod", "quantmind:qdrantApiKey"],
      ["up", "--stack", "prod", "--yes"],
    ]);
    expect(calls[0]?.stdin).toBe("s3cr3t-from-a-pipe\n");
    for (const call of calls) expect(JSON.stringify([call.argv, call.env])).not.toContain("s3cr3t");

    expect(unapproved.code).toBe(1);
    expect(unapproved.stderr).toBe("rotate-secret: no terminal to ask for confirmation on: pass --yes to set the secret and run pulumi up without asking\n");
    expect(await noTerminal.calls()).toEqual([]);

    expect(blank.code).toBe(1);
    expect(blank.stderr).toMatch(/^rotate-secret: the new value of quantmind:redisPassword is empty; nothing was changed/);
    expect(await empty.calls()).toEqual([]);
  });
});
