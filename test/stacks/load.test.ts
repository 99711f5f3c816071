/**
 * The Pulumi edge of stack config: what `pulumi up` hits first. A missing secret stops the
 * program with the commands to run; present secrets come back as secret outputs.
 */
import { describe, expect, it } from "vitest";
import { secretsForTarget } from "../../stacks/secrets.js";
import { installPulumiMocks, isSecretOutput, settled, valueOf } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../helpers/stack-files.js";

describe("loadStackConfig / loadStackSecrets under the Pulumi runtime", () => {
  it("fails on a missing secret with the command that sets it", async () => {
    const { config, secretKeys } = operatorStackConfig("testnet");
    delete config["quantmind:vpsSshPrivateKey"];
    await installPulumiMocks("testnet", config, secretKeys);
    const { loadStackConfig } = await import("../../stacks/load.js");
    expect(() => loadStackConfig()).toThrow(
      'stack "testnet" configuration needs attention:\n  - quantmind:vpsSshPrivateKey (secret) is not set\nrun:\n  cat ~/.ssh/quantmind_ed25519 | pulumi config set --secret --stack testnet quantmind:vpsSshPrivateKey',
    );
  });

  it("reads every secret the operator set as a secret output, and generates none of those", async () => {
    const { config, secretKeys } = operatorStackConfig("testnet");
    const run = await installPulumiMocks("testnet", config, secretKeys);
    const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
    const secrets = loadStackSecrets(loadStackConfig());
    // Every secret the target uses: the operator set them all.
    expect(Object.keys(secrets).sort()).toEqual(secretsForTarget("vps").sort());
    for (const [key, output] of Object.entries(secrets)) {
      expect(await isSecretOutput(output), key).toBe(true);
      expect(await valueOf(output)).toBe(config[`quantmind:${key}`]);
    }
    await settled(run);
    expect(run.ofType("random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("generates what the operator left unset, as secret outputs; the operator's value wins", async () => {
    const { config, secretKeys } = operatorStackConfig("dev");
    delete config["quantmind:redisPassword"];
    delete config["quantmind:kbMcpApiKey"];
    const run = await installPulumiMocks("dev", { ...config, "quantmind:secretRotations": '{"kbMcpApiKey":3}' }, secretKeys);
    const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
    const secrets = loadStackSecrets(loadStackConfig());
    await settled(run);
    const passwords = run.ofType("random:index/randomPassword:RandomPassword");
    expect(passwords.map((r) => r.name).sort()).toEqual(["stack-secrets-kbMcpApiKey", "stack-secrets-redisPassword"]);
    expect(passwords.find((r) => r.name === "stack-secrets-kbMcpApiKey")!.inputs).toMatchObject({ length: 40, special: false, keepers: { rotation: "3" } });
    expect(await isSecretOutput(secrets.redisPassword)).toBe(true);
    expect(await valueOf(secrets.redisPassword)).toBe(passwords.find((r) => r.name === "stack-secrets-redisPassword")!.state!["result"]);
    expect(await valueOf(secrets.qdrantApiKey)).toBe(config["quantmind:qdrantApiKey"]);
  });
});
