/**
 * Secret rotation against a fake `pulumi` on PATH: the value only ever travels on stdin, `up`
 * runs only after confirmation, and bad input fails before pulumi is touched.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EmptySecretValueError, NotConfirmedError, PulumiCommandError, UnknownSecretKeyError } from "../../stacks/errors.js";
import { StackFile } from "../../stacks/stack-file.js";
import { PulumiCli } from "../../scripts/lib/pulumi-cli.js";
import { rotateSecret, type RotationDeps, type RotationRequest } from "../../scripts/lib/rotation.js";
import { installFakePulumi, type FakePulumi } from "../helpers/fake-pulumi.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const SECRET = "n3w-s3cr3t-value-7f1c2e9a";

describe("rotateSecret", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let fake: FakePulumi;
  let events: string[];
  let printed: string[];

  beforeAll(async () => {
    temp = await makeTempDir("qm-rotate-");
    await writeFile(path.join(temp.dir, "Pulumi.dev.yaml"), "config:\n  quantmind:target: local\n  quantmind:environment: dev\n");
    await writeFile(path.join(temp.dir, "Pulumi.testnet.yaml"), "config:\n  quantmind:target: vps\n  quantmind:environment: testnet\n");
  });
  afterAll(() => temp.remove());
  beforeEach(async () => {
    fake = await installFakePulumi(temp.dir);
    events = [];
    printed = [];
  });

  function deps(overrides: Partial<RotationDeps> & { answer?: boolean; env?: Record<string, string> } = {}): RotationDeps {
    const { answer = true, env = {}, ...rest } = overrides;
    return {
      pulumi: new PulumiCli({ env: fake.env(env), cwd: temp.dir }),
      loadStack: (name) => StackFile.read(temp.dir, name),
      readValue: async () => {
        events.push("read");
        return SECRET;
      },
      confirm: async (question) => {
        events.push(`confirm after ${(await fake.calls()).map((call) => call.argv[0]).join(",")}: ${question}`);
        return answer;
      },
      print: (line) => printed.push(line),
      ...rest,
    };
  }

  const rotate = (request: Partial<RotationRequest> & { key: string }, d: RotationDeps) => rotateSecret({ stack: "dev", yes: false, ...request }, d);

  function expectSecretNowhereButStdin(calls: Awaited<ReturnType<FakePulumi["calls"]>>) {
    for (const call of calls) {
      expect(call.argv.join(" ")).not.toContain(SECRET);
      expect(JSON.stringify(call.env)).not.toContain(SECRET);
    }
  }

  it("sets the value on pulumi's stdin, shows the services replaced, and runs up only after confirmation", async () => {
    const result = await rotate({ key: "redisPassword" }, deps());
    const calls = await fake.calls();
    expect(calls.map((call) => call.argv)).toEqual([
      ["config", "set", "--secret", "--stack", "dev", "quantmind:redisPassword"],
      ["up", "--stack", "dev"],
    ]);
    expect(calls[0]?.stdin).toBe(`${SECRET}\n`);
    expectSecretNowhereButStdin(calls);
    expect(events).toEqual(["read", "confirm after config: Run pulumi up --stack dev now? [y/N] "]);
    expect(result).toEqual({ stack: "dev", key: "redisPassword", consumers: ["redis", "backup"] });
    expect(printed).toEqual(["quantmind:redisPassword set (encrypted) in Pulumi.dev.yaml", "pulumi up will replace the services that receive it: redis, backup"]);
  });

  it("names every consumer of a shared secret: the backend and the catalogue services", async () => {
    const result = await rotate({ key: "quantmind:qdrantApiKey" }, deps());
    expect(result.consumers).toEqual(["qdrant", "kb-indexer", "kb-mcp", "backup"]);
    expect((await fake.calls())[0]?.argv.at(-1)).toBe("quantmind:qdrantApiKey");
  });

  it("runs no up when the operator declines, and says how to deploy later", async () => {
    const error = await rotate({ key: "kbMcpApiKey" }, deps({ answer: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConfirmedError);
    expect((error as Error).message).toBe(
      "not deployed: quantmind:kbMcpApiKey is set in Pulumi.dev.yaml, but the services keep the old value until you run: pulumi up --stack dev",
    );
    expect((await fake.calls()).map((call) => call.argv[0])).toEqual(["config"]);
  });

  it("with --yes runs up without asking, and tells pulumi not to ask either", async () => {
    await rotate({ key: "kbMcpApiKey", yes: true }, deps({ confirm: undefined }));
    expect((await fake.calls()).map((call) => call.argv)).toEqual([
      ["config", "set", "--secret", "--stack", "dev", "quantmind:kbMcpApiKey"],
      ["up", "--stack", "dev", "--yes"],
    ]);
  });

  it("refuses an unknown key by name before reading a value or running pulumi", async () => {
    const error = await rotate({ key: "redisPasword" }, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    expect((error as Error).message).toMatch(/^"redisPasword" is not a stack secret: rotate one of qdrantApiKey, redisPassword, kbMcpApiKey, vpsSshPrivateKey/);
    expect(events).toEqual([]);
    expect(await fake.calls()).toEqual([]);
  });

  it("refuses a secret the stack's target does not use, naming key, stack and target", async () => {
    const error = await rotate({ key: "vpsSshPrivateKey" }, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    expect((error as Error).message).toMatch(/^quantmind:vpsSshPrivateKey is not used by stack dev \(target local\); its secrets are qdrantApiKey, redisPassword, kbMcpApiKey/);
    expect(await fake.calls()).toEqual([]);
  });

  it("refuses an empty value, naming the key and how to pipe one", async () => {
    for (const empty of ["", "  \t"]) {
      const error = await rotate({ key: "redisPassword" }, deps({ readValue: async () => empty })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmptySecretValueError);
      expect((error as Error).message).toBe(
        "the new value of quantmind:redisPassword is empty; nothing was changed. Pipe the value on stdin, e.g.: openssl rand -hex 32 | npm run rotate-secret -- redisPassword --stack dev",
      );
    }
    expect(await fake.calls()).toEqual([]);
  });

  it("without a terminal and without --yes, stops before reading or setting anything", async () => {
    const error = await rotate({ key: "redisPassword" }, deps({ confirm: undefined })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConfirmedError);
    expect((error as Error).message).toMatch(/no terminal to ask for confirmation on: pass --yes/);
    expect(events).toEqual([]);
    expect(await fake.calls()).toEqual([]);
  });

  it("uses the selected stack when --stack is not given", async () => {
    await rotate({ key: "vpsSshPrivateKey", stack: undefined }, deps({ env: { FAKE_PULUMI_STACK: "testnet" } }));
    expect((await fake.calls()).map((call) => call.argv)).toEqual([
      ["stack", "--show-name"],
      ["config", "set", "--secret", "--stack", "testnet", "quantmind:vpsSshPrivateKey"],
      ["up", "--stack", "testnet"],
    ]);
    expect(printed[1]).toBe("no service receives quantmind:vpsSshPrivateKey; pulumi up updates the resources that use it");
  });

  it("reports a failed config set without echoing the value, and runs no up", async () => {
    const error = await rotate({ key: "redisPassword" }, deps({ env: { FAKE_PULUMI_FAIL: "config" } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PulumiCommandError);
    expect((error as Error).message).toMatch(/^pulumi config set --secret --stack dev quantmind:redisPassword failed \(exit code 1\): fake pulumi: error: could not encrypt \[secret\] for dev$/);
    expect(events.filter((event) => event.startsWith("confirm"))).toEqual([]);
    expect((await fake.calls()).map((call) => call.argv[0])).toEqual(["config"]);
  });

  it("runs the binary PULUMI_BIN names, and says what to do when there is none", async () => {
    // PATH has the system tools the fake uses, but not the fake itself.
    const viaBin = new PulumiCli({ env: { PATH: "/usr/bin:/bin", PULUMI_BIN: fake.bin, FAKE_PULUMI_LOG: fake.logDir }, cwd: temp.dir });
    await viaBin.up("dev", { yes: true });
    expect((await fake.calls()).map((call) => call.argv)).toEqual([["up", "--stack", "dev", "--yes"]]);

    const missing = new PulumiCli({ env: { PATH: temp.dir.replace(/$/, "/no-such-dir") }, cwd: temp.dir });
    await expect(missing.up("dev", { yes: true })).rejects.toThrow("pulumi not found: install the Pulumi CLI (https://www.pulumi.com/docs/install/) or set PULUMI_BIN to its path");
  });

  it("the fake pulumi refuses what the real scripts never send", () => {
    for (const args of [["destroy", "--stack", "dev"], ["config", "set", "--stack", "dev", "quantmind:redisPassword", "value-in-argv"], ["up", "--stack", "dev", "--refresh"]]) {
      const result = spawnSync(fake.bin, args, { env: fake.env(), input: "x\n", encoding: "utf8" });
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^fake pulumi: (unknown command|expected)/);
    }
  });
});
