/**
 * Promotion on stack files in a temp directory: in-process through the command's function, and
 * once through `scripts/promote.ts` as an operator runs it (exit codes, stdout, stderr).
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promoteStacks } from "../../scripts/lib/promote-command.js";
import { PromotionRefusedError } from "../../stacks/errors.js";
import { stackFilePath } from "../../stacks/stack-file.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(REPO, "node_modules/tsx/dist/loader.mjs");

function promoteCli(dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, path.join(REPO, "scripts/promote.ts"), ...args, "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const TESTNET = `# testnet: the VPS pair.
encryptionsalt: v1:dGVzdG5ldHNhbHQ=:v1:AAAA
config:
  aws:region: eu-west-1 # where the hosts run
  quantmind:target: vps
  quantmind:environment: testnet
  quantmind:logLevel: debug
  quantmind:vpsVpcCidr: 10.30.0.0/16
  quantmind:binanceSpotUrl: https://testnet.binance.vision
  quantmind:qdrantApiKey:
    secure: v1:dGVzdG5ldGNpcGhlcg==
`;

const PROD = `# prod: managed AWS, trading on mainnet.
encryptionsalt: v1:cHJvZHNhbHQ=:v1:BBBB
config:
  quantmind:target: aws
  quantmind:environment: prod
  quantmind:awsVpcCidr: 10.40.0.0/16 # not shared with any other stack
  quantmind:redisPassword:
    secure: v1:cHJvZGNpcGhlcg==
`;

const PROD_WITH_OWN_ENDPOINT = PROD.replace("quantmind:environment: prod\n", "quantmind:environment: prod\n  quantmind:binanceSpotUrl: https://api.binance.com\n");

describe("promote", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const dir = (name: string) => path.join(temp.dir, name);

  beforeAll(async () => {
    temp = await makeTempDir("qm-promote-");
    for (const [name, prod] of [["refused", PROD], ["dry", PROD_WITH_OWN_ENDPOINT], ["write", PROD_WITH_OWN_ENDPOINT], ["cli-ok", PROD_WITH_OWN_ENDPOINT], ["cli-refused", PROD]] as const) {
      await mkdir(dir(name));
      await writeFile(stackFilePath(dir(name), "testnet"), TESTNET);
      await writeFile(stackFilePath(dir(name), "prod"), prod);
    }
  });
  afterAll(() => temp.remove());

  it("refuses testnet endpoints into prod and leaves the file alone", async () => {
    await expect(promoteStacks("testnet", "prod", { dir: dir("refused") })).rejects.toThrow(PromotionRefusedError);
    expect(await readFile(stackFilePath(dir("refused"), "prod"), "utf8")).toBe(PROD);
  });

  it("a dry run prints the plan and writes nothing", async () => {
    const summary = await promoteStacks("testnet", "prod", { dir: dir("dry"), dryRun: true });
    expect(summary).toMatch(/would copy:\n {2}aws:region = eu-west-1\n {2}quantmind:logLevel = debug\n/);
    expect(await readFile(stackFilePath(dir("dry"), "prod"), "utf8")).toBe(PROD_WITH_OWN_ENDPOINT);
  });

  it("writes only the copied keys, keeping comments, salt, secure values and prod's own endpoint", async () => {
    const summary = await promoteStacks("testnet", "prod", { dir: dir("write") });
    expect(summary).toMatch(/^copied:\n {2}aws:region = eu-west-1\n {2}quantmind:logLevel = debug$/m);
    expect(summary).toMatch(/\n {2}quantmind:binanceSpotUrl = https:\/\/api\.binance\.com \(source has https:\/\/testnet\.binance\.vision\)/);
    expect(summary).toContain("openssl rand -hex 32 | pulumi config set --secret --stack prod quantmind:qdrantApiKey");
    expect(summary).not.toContain("--stack prod quantmind:redisPassword");
    expect(summary).toMatch(/still needed before pulumi up:\n {2}quantmind:certificateArn is required/);
    expect(await readFile(stackFilePath(dir("write"), "prod"), "utf8")).toBe(`${PROD_WITH_OWN_ENDPOINT}  aws:region: eu-west-1\n  quantmind:logLevel: debug\n`);
    // A second run finds nothing left to copy.
    expect(await promoteStacks("testnet", "prod", { dir: dir("write") })).toMatch(/^copied: none$/m);
  });

  it("from the command line: the summary on stdout; a refusal on stderr with exit code 1", async () => {
    const [ok, refused] = await Promise.all([promoteCli(dir("cli-ok"), "testnet", "prod"), promoteCli(dir("cli-refused"), "prod", "testnet")]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^promote testnet \(testnet\) -> prod \(prod, target aws\)\ncopied:\n {2}aws:region = eu-west-1\n/);
    expect(await readFile(stackFilePath(dir("cli-ok"), "prod"), "utf8")).toContain("  quantmind:logLevel: debug\n");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^promote: promotion refused:\n {2}- prod \(prod\) -> testnet \(testnet\) goes backwards; .* Pass --force/);
    expect(await readFile(stackFilePath(dir("cli-refused"), "testnet"), "utf8")).toBe(TESTNET);
  });
});
