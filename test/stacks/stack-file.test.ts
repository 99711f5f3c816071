/** Stack files as the yaml Document API reads and rewrites them: nothing but the copied keys changes. */
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StackFileError } from "../../stacks/errors.js";
import { listStackNames, StackFile, stackFilePath } from "../../stacks/stack-file.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const REPO = path.resolve(import.meta.dirname, "../..");

const DEST = `# prod: managed AWS.
encryptionsalt: v1:Zm9vYmFyYmF6:v1:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAA
config:
  # the account's region
  aws:region: eu-west-1 # chosen for latency
  quantmind:target: aws
  quantmind:environment: prod
  quantmind:logLevel: info # prod stays quiet
  quantmind:redisPassword:
    secure: v1:c2VjcmV0Y2lwaGVydGV4dA==
`;

const SOURCE = `config:
  aws:region: eu-west-1
  quantmind:target: vps
  quantmind:environment: testnet
  quantmind:logLevel: debug
  quantmind:mcpMaxTasks: "8"
  quantmind:awsAzCount: 3
  quantmind:tags:
    # who answers alerts
    team: quant # testnet rota
  quantmind:qdrantApiKey:
    secure: v1:b3RoZXJjaXBoZXJ0ZXh0
`;

describe("StackFile", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir("qm-stack-file-");
  });
  afterAll(() => temp.remove());

  it("re-serialises the committed stack files byte for byte", async () => {
    for (const name of await listStackNames(REPO)) {
      const text = await readFile(stackFilePath(REPO, name), "utf8");
      expect((await StackFile.read(REPO, name)).toString()).toBe(text);
    }
    expect(await listStackNames(REPO)).toEqual(expect.arrayContaining(["dev", "prod", "testnet"]));
  });

  it("reads plain values as the strings Pulumi sees, structures as JSON, and secure keys apart", () => {
    const file = StackFile.parse("testnet", "Pulumi.testnet.yaml", SOURCE);
    expect(file.values).toEqual({
      "aws:region": "eu-west-1",
      "quantmind:target": "vps",
      "quantmind:environment": "testnet",
      "quantmind:logLevel": "debug",
      "quantmind:mcpMaxTasks": "8",
      "quantmind:awsAzCount": "3",
      "quantmind:tags": '{"team":"quant"}',
    });
    expect([...file.secureKeys]).toEqual(["quantmind:qdrantApiKey"]);
  });

  it("copies keys, keeping comments, encryptionsalt and secure values, and changing nothing else; the source's comments stay behind", () => {
    const source = StackFile.parse("testnet", "Pulumi.testnet.yaml", SOURCE);
    const destination = StackFile.parse("prod", "Pulumi.prod.yaml", DEST);
    for (const key of ["quantmind:logLevel", "quantmind:mcpMaxTasks", "quantmind:awsAzCount", "quantmind:tags"]) destination.copyFrom(source, key);
    expect(destination.toString()).toBe(`# prod: managed AWS.
encryptionsalt: v1:Zm9vYmFyYmF6:v1:c2FsdHNhbHQ=:AAAAAAAAAAAAAAAA
config:
  # the account's region
  aws:region: eu-west-1 # chosen for latency
  quantmind:target: aws
  quantmind:environment: prod
  quantmind:logLevel: debug # prod stays quiet
  quantmind:redisPassword:
    secure: v1:c2VjcmV0Y2lwaGVydGV4dA==
  quantmind:mcpMaxTasks: "8"
  quantmind:awsAzCount: 3
  quantmind:tags:
    team: quant
`);
  });

  it("never folds a long value across lines", () => {
    const key = `ssh-ed25519 ${"A".repeat(200)} operator@example`;
    const source = StackFile.parse("a", "a", `config:\n  quantmind:vpsSshPublicKey: ${key}\n`);
    const destination = StackFile.parse("b", "b", "encryptionsalt: v1:abc\n");
    destination.copyFrom(source, "quantmind:vpsSshPublicKey");
    expect(destination.toString()).toBe(`encryptionsalt: v1:abc\nconfig:\n  quantmind:vpsSshPublicKey: ${key}\n`);
  });

  it("refuses to copy an encrypted value or to overwrite one", () => {
    const source = StackFile.parse("testnet", "Pulumi.testnet.yaml", SOURCE);
    const destination = StackFile.parse("prod", "Pulumi.prod.yaml", DEST);
    expect(() => destination.copyFrom(source, "quantmind:qdrantApiKey")).toThrow(/encrypted in Pulumi\.testnet\.yaml: secrets are never copied/);
    const plain = StackFile.parse("x", "Pulumi.x.yaml", "config:\n  quantmind:redisPassword: oops\n");
    expect(() => destination.copyFrom(plain, "quantmind:redisPassword")).toThrow(/encrypted in Pulumi\.prod\.yaml: its secure value is never overwritten/);
  });

  it("writes atomically and keeps the file's permissions", async () => {
    await writeFile(stackFilePath(temp.dir, "prod"), DEST);
    await writeFile(stackFilePath(temp.dir, "testnet"), SOURCE);
    await chmod(stackFilePath(temp.dir, "prod"), 0o600);
    const destination = await StackFile.read(temp.dir, "prod");
    destination.copyFrom(await StackFile.read(temp.dir, "testnet"), "quantmind:mcpMaxTasks");
    await destination.write();
    expect(await readFile(stackFilePath(temp.dir, "prod"), "utf8")).toContain('  quantmind:mcpMaxTasks: "8"\n');
    expect((await stat(stackFilePath(temp.dir, "prod"))).mode & 0o777).toBe(0o600);
    expect(await listStackNames(temp.dir)).toEqual(["prod", "testnet"]);
  });

  it("names a missing stack file and how to create it", async () => {
    const error = await StackFile.read(temp.dir, "staging").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackFileError);
    expect((error as StackFileError).message).toMatch(/Pulumi\.staging\.yaml does not exist: create the stack first \(pulumi stack init staging\)/);
  });

  it("rejects files that are not stack files", () => {
    expect(() => StackFile.parse("x", "Pulumi.x.yaml", "config: [a, b\n")).toThrow(/Pulumi\.x\.yaml is not valid YAML/);
    expect(() => StackFile.parse("x", "Pulumi.x.yaml", "- a\n- b\n")).toThrow(/must be a YAML mapping/);
    expect(() => StackFile.parse("x", "Pulumi.x.yaml", "config: [a]\n")).toThrow(/"config" must be a mapping/);
  });
});
