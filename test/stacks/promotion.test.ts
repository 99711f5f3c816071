/** Promotion planning on in-memory stack snapshots: what is copied, kept, skipped and refused. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PromotionRefusedError } from "../../stacks/errors.js";
import { cidrsOverlap } from "../../infra/ipv4.js";
import { effectiveNetworkRanges, formatPromotionSummary, planPromotion, type PromotionOptions } from "../../stacks/promotion.js";
import { secretsForTarget, setSecretCommand } from "../../stacks/secrets.js";
import type { StackSnapshot } from "../../stacks/stack-file.js";

function stack(name: string, values: Record<string, string>, secureKeys: string[] = []): StackSnapshot {
  return { name, values, secureKeys: new Set(secureKeys) };
}

const dev = () =>
  stack(
    "dev",
    {
      "quantmind:target": "local",
      "quantmind:environment": "dev",
      "quantmind:logLevel": "debug",
      "quantmind:kbCollection": "articles_v2",
      "quantmind:localSubnet": "172.28.10.0/24",
      "quantmind:kbMcpHostPort": "8000",
      "docker:host": "unix:///var/run/docker.sock",
    },
    ["quantmind:qdrantApiKey", "quantmind:redisPassword", "quantmind:kbMcpApiKey"],
  );

const testnet = (extra: Record<string, string> = {}, secure: string[] = []) =>
  stack(
    "testnet",
    {
      "aws:region": "eu-west-1",
      "quantmind:target": "vps",
      "quantmind:environment": "testnet",
      "quantmind:vpsVpcCidr": "10.30.0.0/16",
      "quantmind:vpsDockerSubnet": "172.29.10.0/24",
      "quantmind:vpsOperatorCidrs": "203.0.113.7/32",
      "quantmind:vpsSshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLE operator",
      "quantmind:vpsLinuxAddress": "198.51.100.10",
      ...extra,
    },
    secure,
  );

const prod = (extra: Record<string, string> = {}, secure: string[] = []) =>
  stack(
    "prod",
    { "quantmind:target": "aws", "quantmind:environment": "prod", "quantmind:awsVpcCidr": "10.40.0.0/16", ...extra },
    secure,
  );

function refusal(run: () => unknown): PromotionRefusedError {
  try {
    run();
  } catch (error) {
    if (error instanceof PromotionRefusedError) return error;
    throw error;
  }
  throw new Error("expected the promotion to be refused");
}

const plan = (source: StackSnapshot, destination: StackSnapshot, options?: PromotionOptions, otherStacks: StackSnapshot[] = []) =>
  planPromotion({ source, destination, otherStacks }, options);

describe("planPromotion: what travels", () => {
  it("copies the keys the destination's target has and skips the rest, each with its reason", () => {
    const result = plan(dev(), testnet());
    expect(result.copied).toEqual([
      { key: "quantmind:logLevel", value: "debug" },
      { key: "quantmind:kbCollection", value: "articles_v2" },
      { key: "docker:host", value: "unix:///var/run/docker.sock" },
    ]);
    const reasons = Object.fromEntries(result.skipped.map(({ key, reason }) => [key, reason]));
    expect(reasons["quantmind:target"]).toMatch(/own target/);
    expect(reasons["quantmind:environment"]).toMatch(/identifies one environment/);
    expect(reasons["quantmind:localSubnet"]).toMatch(/network range/);
    expect(reasons["quantmind:kbMcpHostPort"]).toBe("not a setting of the vps target");
    expect(reasons["quantmind:qdrantApiKey"]).toMatch(/secret: never copied/);
  });

  it("copies provider keys only into a target whose program uses that provider", () => {
    const intoAws = plan(testnet(), prod());
    expect(intoAws.copied.map(({ key }) => key)).toContain("aws:region");
    const intoLocal = plan(stack("testnet2", { "quantmind:target": "vps", "quantmind:environment": "dev", "aws:region": "eu-west-1" }), stack("dev2", { "quantmind:target": "local", "quantmind:environment": "dev", "quantmind:localSubnet": "172.28.20.0/24" }));
    expect(intoLocal.copied).toEqual([]);
    expect(intoLocal.skipped).toContainEqual({ key: "aws:region", reason: "the aws provider is not used by the local target" });
  });

  it("never copies identity keys (hosts, certificates) even into the same target", () => {
    const source = testnet();
    const destination = stack("testnet-b", { "quantmind:target": "vps", "quantmind:environment": "testnet", "quantmind:vpsVpcCidr": "10.31.0.0/16", "quantmind:vpsDockerSubnet": "172.29.20.0/24" });
    const result = plan(source, destination);
    const copied = result.copied.map(({ key }) => key);
    expect(copied).toContain("quantmind:vpsOperatorCidrs");
    expect(copied).toContain("quantmind:vpsSshPublicKey");
    expect(copied).not.toContain("quantmind:vpsLinuxAddress");
    expect(result.skipped).toContainEqual({ key: "quantmind:vpsLinuxAddress", reason: "identifies one environment: never copied" });
  });

  it("keeps a destination value that differs, unless --overwrite; equal values are reported as unchanged", () => {
    const destination = testnet({ "quantmind:logLevel": "info", "quantmind:kbCollection": "articles_v2" });
    const kept = plan(dev(), destination);
    expect(kept.kept).toEqual([{ key: "quantmind:logLevel", sourceValue: "debug", destinationValue: "info" }]);
    expect(kept.unchanged).toEqual(["quantmind:kbCollection"]);
    expect(kept.copied.map(({ key }) => key)).not.toContain("quantmind:logLevel");

    const overwritten = plan(dev(), destination, { overwrite: true });
    expect(overwritten.copied).toContainEqual({ key: "quantmind:logLevel", value: "debug", previous: "info" });
    expect(overwritten.kept).toEqual([]);
  });

  it("never replaces an encrypted destination value, even with --overwrite", () => {
    const destination = testnet({}, ["quantmind:kbCollection"]);
    const result = plan(dev(), destination, { overwrite: true });
    expect(result.kept).toContainEqual({ key: "quantmind:kbCollection", sourceValue: "articles_v2", destinationValue: "[secure]" });
    expect(result.copied.map(({ key }) => key)).not.toContain("quantmind:kbCollection");
  });

  it("does not copy a secret the source stores in plain text, and says so", () => {
    const source = stack("dev", { ...dev().values, "quantmind:kbMcpApiKey": "plain-text-key" });
    const result = plan(source, testnet());
    expect(result.copied.map(({ key }) => key)).not.toContain("quantmind:kbMcpApiKey");
    expect(result.skipped).toContainEqual({ key: "quantmind:kbMcpApiKey", reason: "a secret stored in plain text in Pulumi.dev.yaml: never copied (set it as a secret there too)" });
  });
});

describe("planPromotion: secrets the destination lacks", () => {
  it("lists every secret of the destination's target that it lacks, with the exact command", () => {
    const result = plan(dev(), testnet({}, ["quantmind:qdrantApiKey"]));
    const lacking = secretsForTarget("vps").filter((key) => key !== "qdrantApiKey");
    expect(lacking).toContain("vpsSshPrivateKey");
    expect(result.missingSecrets).toEqual(
      lacking.map((key) => ({ key: `quantmind:${key}`, problem: "not set", commands: [setSecretCommand("testnet", key)] })),
    );
  });

  it("flags a secret stored in plain text in the destination: remove it, then set it encrypted", () => {
    const encrypted = secretsForTarget("vps").filter((key) => key !== "redisPassword").map((key) => `quantmind:${key}`);
    const result = plan(dev(), testnet({ "quantmind:redisPassword": "hunter2" }, encrypted));
    expect(result.missingSecrets).toEqual([
      {
        key: "quantmind:redisPassword",
        problem: "stored in plain text in Pulumi.testnet.yaml",
        commands: ["pulumi config rm --stack testnet quantmind:redisPassword", setSecretCommand("testnet", "redisPassword")],
      },
    ]);
  });

  it("lists what pulumi up would still refuse, e.g. prod's certificate ARN", () => {
    const result = plan(testnet(), prod());
    expect(result.remaining.problems).toContain("quantmind:certificateArn is required for the aws target");
    expect(result.remaining.commands).toContain("pulumi config set --stack prod quantmind:certificateArn arn:aws:acm:<region>:<account>:certificate/<id>");
    const complete = plan(testnet(), prod({ "quantmind:certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234" }));
    expect(complete.remaining).toEqual({ problems: [], commands: [] });
  });
});

describe("planPromotion: order", () => {
  it("refuses going backwards (prod -> dev) and says --force allows it", () => {
    const error = refusal(() => plan(prod(), dev()));
    expect(error.code).toBe("PROMOTION_REFUSED");
    expect(error.message).toMatch(/prod \(prod\) -> dev \(dev\) goes backwards; promotion runs dev -> testnet -> prod\. Pass --force/);
  });

  it("goes backwards with --force, and notes it", () => {
    const result = plan(prod(), dev(), { force: true });
    expect(result.notes).toEqual(["backwards promotion (prod -> dev) forced with --force"]);
  });

  it("notes a forward skip (dev -> prod) without refusing it", () => {
    expect(plan(dev(), prod()).notes).toEqual(["dev -> prod skips testnet"]);
  });

  it("refuses a destination without target or environment, with the commands to set them", () => {
    const error = refusal(() => plan(dev(), stack("staging", { "quantmind:logLevel": "info" })));
    expect(error.reasons).toHaveLength(2);
    expect(error.message).toMatch(/pulumi config set --stack staging quantmind:environment dev\|testnet\|prod/);
    expect(error.message).toMatch(/pulumi config set --stack staging quantmind:target local\|vps\|aws/);
  });

  it("refuses promoting a stack onto itself", () => {
    expect(refusal(() => plan(dev(), dev())).message).toMatch(/same stack \(dev\)/);
  });
});

describe("planPromotion: values that must differ per environment", () => {
  const testnetEndpoint = { "quantmind:binanceSpotUrl": "https://testnet.binance.vision" };

  it("refuses carrying a testnet broker endpoint into prod, naming the key and the fix", () => {
    const error = refusal(() => plan(testnet(testnetEndpoint), prod()));
    expect(error.reasons).toHaveLength(1);
    expect(error.message).toMatch(/quantmind:binanceSpotUrl=https:\/\/testnet\.binance\.vision is a testnet endpoint, but a prod stack trades on mainnet/);
    expect(error.message).toMatch(/pulumi config set --stack prod quantmind:binanceSpotUrl https:\/\/api\.binance\.com/);
  });

  it("keeps prod's own mainnet endpoint instead (and refuses again with --overwrite)", () => {
    const destination = prod({ "quantmind:binanceSpotUrl": "https://api.binance.com" });
    expect(plan(testnet(testnetEndpoint), destination).kept).toContainEqual({
      key: "quantmind:binanceSpotUrl",
      sourceValue: "https://testnet.binance.vision",
      destinationValue: "https://api.binance.com",
    });
    expect(() => plan(testnet(testnetEndpoint), destination, { overwrite: true })).toThrow(PromotionRefusedError);
  });

  it("refuses a destination that already points at the wrong network, with the rm command", () => {
    const error = refusal(() => plan(testnet(), prod({ "quantmind:binanceFuturesUrl": "https://testnet.binancefuture.com" })));
    expect(error.message).toMatch(/Pulumi\.prod\.yaml: quantmind:binanceFuturesUrl=.*; remove it \(pulumi config rm --stack prod quantmind:binanceFuturesUrl\) and the mainnet default applies/);
  });

  it("copies a testnet endpoint between testnet-network stacks", () => {
    const source = stack("dev", { ...dev().values, ...testnetEndpoint });
    expect(plan(source, testnet()).copied).toContainEqual({ key: "quantmind:binanceSpotUrl", value: "https://testnet.binance.vision" });
  });

  it("refuses a network range another stack uses (a dev subnet reused in prod)", () => {
    const error = refusal(() => plan(testnet(), prod({ "quantmind:awsVpcCidr": "172.28.0.0/16" }), {}, [dev()]));
    expect(error.message).toMatch(/quantmind:awsVpcCidr=172\.28\.0\.0\/16 of prod overlaps quantmind:localSubnet=172\.28\.10\.0\/24 of dev/);
    expect(error.message).toMatch(/pulumi config set --stack prod quantmind:awsVpcCidr <cidr>/);
  });

  it("compares the ranges stacks get by default too", () => {
    const other = stack("dev", { "quantmind:target": "local", "quantmind:environment": "dev" });
    const second = stack("dev-b", { "quantmind:target": "local", "quantmind:environment": "dev" });
    const error = refusal(() => plan(other, second));
    expect(error.message).toMatch(/quantmind:localSubnet=172\.28\.10\.0\/24 \(the default\) of dev-b overlaps quantmind:localSubnet=172\.28\.10\.0\/24 of dev/);
  });

  it("reports every refusal at once", () => {
    const error = refusal(() => plan(testnet(testnetEndpoint), prod({ "quantmind:awsVpcCidr": "10.30.128.0/17" })));
    expect(error.reasons).toHaveLength(2);
  });

  it("accepts the committed stacks' ranges, which are disjoint", () => {
    expect(() => plan(dev(), testnet(), {}, [prod()])).not.toThrow();
    expect(() => plan(testnet(), prod(), {}, [dev()])).not.toThrow();
  });
});

describe("network ranges", () => {
  it("effective ranges: the stack's values, else the target's defaults; no VPC for existing VPS hosts", () => {
    expect(effectiveNetworkRanges("aws", {})).toEqual([{ key: "awsVpcCidr", cidr: "10.40.0.0/16" }]);
    expect(effectiveNetworkRanges("vps", { "quantmind:vpsProvision": "existing", "quantmind:vpsDockerSubnet": "172.30.0.0/24" })).toEqual([
      { key: "vpsDockerSubnet", cidr: "172.30.0.0/24" },
    ]);
  });

  it("cidrsOverlap: equal, nested and disjoint ranges", () => {
    expect(cidrsOverlap("10.0.0.0/16", "10.0.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/8", "10.200.3.0/24")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(cidrsOverlap("172.28.10.0/24", "172.28.11.0/24")).toBe(false);
  });

  it("cidrsOverlap is symmetric and true exactly when one range holds the other's first address", () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 8, max: 32 })).map(([address, bits]) => {
      const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
      return { text: `${octets.join(".")}/${bits}`, address, bits };
    });
    const first = (c: { address: number; bits: number }) => c.address - (c.address % 2 ** (32 - c.bits));
    const holds = (c: { address: number; bits: number }, address: number) => address >= first(c) && address < first(c) + 2 ** (32 - c.bits);
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        expect(cidrsOverlap(a.text, b.text)).toBe(cidrsOverlap(b.text, a.text));
        expect(cidrsOverlap(a.text, b.text)).toBe(holds(a, first(b)) || holds(b, first(a)));
      }),
    );
  });
});

describe("formatPromotionSummary", () => {
  it("prints copied, kept, skipped and missing secrets with their commands", () => {
    const text = formatPromotionSummary(plan(dev(), testnet({ "quantmind:logLevel": "info" })), true);
    expect(text).toMatch(/^promote dev \(dev\) -> testnet \(testnet, target vps\)/);
    expect(text).toMatch(/copied:\n {2}quantmind:kbCollection = articles_v2\n/);
    expect(text).toMatch(/kept .*:\n {2}quantmind:logLevel = info \(source has debug\)/);
    expect(text).toMatch(/skipped:\n(.*\n)* {2}quantmind:kbMcpHostPort: not a setting of the vps target/);
    expect(text).toContain(`missing secrets:\n  quantmind:qdrantApiKey: not set; run:\n    ${setSecretCommand("testnet", "qdrantApiKey")}`);
    expect(text).not.toMatch(/dry run/);
    expect(formatPromotionSummary(plan(dev(), testnet()), false)).toMatch(/would copy:[\s\S]*dry run: Pulumi\.testnet\.yaml not changed$/);
  });
});
