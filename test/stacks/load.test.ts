/**
 * The Pulumi edge of stack config: what `pulumi up` hits first. A missing secret stops the
 * program with the commands to run; present secrets come back as secret outputs.
 */
import { describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretOutput, valueOf } from "../helpers/pulumi-mocks.js";
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

  it("reads every secret of the target as a secret output", async () => {
    const { config, secretKeys } = operatorStackConfig("testnet");
    await installPulumiMocks("testnet", config, secretKeys);
    const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
    const secrets = loadStackSecrets(loadStackConfig());
    expect(Object.keys(secrets).sort()).toEqual(["kbMcpApiKey", "mt5BridgeTls", "mt5BridgeToken", "mt5Password", "qcApiToken", "qcMcpApiKey", "qcUserId", "qdrantApiKey", "redisPassword", "vpsSshPrivateKey"]);
    for (const [key, output] of Object.entries(secrets)) {
      expect(await isSecretOutput(output), key).toBe(true);
      expect(await valueOf(output)).toBe(config[`quantmind:${key}`]);
    }
  });
});
