/** `npm run promote` as an operator runs it, on copies of stack files in a temp directory. */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackFilePath } from "../../stacks/stack-file.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(REPO, "scripts/promote.ts");

function promote(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args, "--dir", dir], { encoding: "utf8", cwd: REPO, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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

describe("scripts/promote.ts", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir("qm-promote-");
  });
  afterAll(() => temp.remove());

  it("refuses testnet endpoints into prod, exit 1, and leaves the file alone; with prod's own endpoint it promotes", async () => {
    await writeFile(stackFilePath(temp.dir, "testnet"), TESTNET);
    await writeFile(stackFilePath(temp.dir, "prod"), PROD);

    const refused = promote(temp.dir, "testnet", "prod");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^promote: promotion refused:\n {2}- quantmind:binanceSpotUrl=https:\/\/testnet\.binance\.vision is a testnet endpoint/);
    expect(await readFile(stackFilePath(temp.dir, "prod"), "utf8")).toBe(PROD);

    const withOwnEndpoint = PROD.replace("quantmind:environment: prod\n", "quantmind:environment: prod\n  quantmind:binanceSpotUrl: https://api.binance.com\n");
    await writeFile(stackFilePath(temp.dir, "prod"), withOwnEndpoint);
    const dryRun = promote(temp.dir, "testnet", "prod", "--dry-run");
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/would copy:\n {2}aws:region = eu-west-1\n {2}quantmind:logLevel = debug\n/);
    expect(await readFile(stackFilePath(temp.dir, "prod"), "utf8")).toBe(withOwnEndpoint);

    const done = promote(temp.dir, "testnet", "prod");
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/copied:\n {2}aws:region = eu-west-1\n {2}quantmind:logLevel = debug\n/);
    expect(done.stdout).toMatch(/kept .*\n {2}quantmind:binanceSpotUrl = https:\/\/api\.binance\.com \(source has https:\/\/testnet\.binance\.vision\)/);
    expect(done.stdout).toContain("openssl rand -hex 32 | pulumi config set --secret --stack prod quantmind:qdrantApiKey");
    expect(done.stdout).not.toContain("--stack prod quantmind:redisPassword");
    expect(done.stdout).toMatch(/still needed before pulumi up:\n {2}quantmind:certificateArn is required/);
    expect(await readFile(stackFilePath(temp.dir, "prod"), "utf8")).toBe(`${withOwnEndpoint}  aws:region: eu-west-1\n  quantmind:logLevel: debug\n`);
  });

  it("refuses prod -> testnet without --force, naming the flag", () => {
    const result = promote(temp.dir, "prod", "testnet");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/goes backwards; promotion runs dev -> testnet -> prod\. Pass --force/);
  });
});
