/**
 * Rotating a secret (`pulumi config set --secret` + `pulumi up`) changes what the services that
 * use it receive, and nothing else. Runs the dev stack twice under mocks and diffs the inputs.
 */
import { describe, expect, it } from "vitest";
import { installPulumiMocks, settled, type RecordedResource } from "../helpers/pulumi-mocks.js";
import { secretConsumers } from "../../infra/secret-consumers.js";
import { externalOnlyStackConfig, operatorStackConfig } from "../helpers/stack-files.js";

async function deployDev(overrides: Record<string, string>, fresh = false): Promise<Map<string, RecordedResource>> {
  // fresh: only the outside secrets are set, so the stack generates the rest.
  const { config, secretKeys } = fresh ? externalOnlyStackConfig("dev") : operatorStackConfig("dev");
  const run = await installPulumiMocks("dev", { ...config, ...overrides }, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const { createLocalTarget } = await import("../../infra/targets/local.js");
  const stackConfig = loadStackConfig();
  if (stackConfig.target !== "local") throw new Error("dev is local");
  createLocalTarget(stackConfig, loadStackSecrets(stackConfig));
  await settled(run);
  return new Map(run.resources.map((r) => [`${r.type} ${r.name}`, r]));
}

/** Resources whose inputs differ between two runs. */
function changed(before: Map<string, RecordedResource>, after: Map<string, RecordedResource>): string[] {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before.keys()].filter((key) => JSON.stringify(before.get(key)!.inputs) !== JSON.stringify(after.get(key)!.inputs)).sort();
}

describe("secret rotation on the local target", () => {
  it("a new kbMcpApiKey reaches kb-mcp only", async () => {
    const before = await deployDev({});
    const after = await deployDev({ "quantmind:kbMcpApiKey": "rotated-kb-mcp-key-0123456789" });
    // The seeder re-seeds the secrets volume; its new id re-runs kb-mcp's start command, a restart.
    expect(changed(before, after)).toEqual(["command:local:Command kb-mcp-container-start", "docker:index/container:Container kb-mcp-container-secrets"]);
    const uploads = (after.get("docker:index/container:Container kb-mcp-container-secrets")!.inputs["uploads"] as { value: { file: string; content: string }[] }).value;
    expect(uploads.find((u) => u.file === "/run/secrets/MCP_API_KEY")!.content).toBe("rotated-kb-mcp-key-0123456789");
  });

  it("a new qdrantApiKey reaches Qdrant, both knowledge-base services and the backup service, nothing else", async () => {
    const before = await deployDev({});
    const after = await deployDev({ "quantmind:qdrantApiKey": "rotated-qdrant-key-0123456789" });
    expect(changed(before, after)).toEqual([
      "command:local:Command backup-container-start",
      "command:local:Command kb-indexer-container-start",
      "command:local:Command kb-mcp-container-start",
      "command:local:Command qdrant-container-start",
      "docker:index/container:Container backup-container-secrets",
      "docker:index/container:Container kb-indexer-container-secrets",
      "docker:index/container:Container kb-mcp-container-secrets",
      "docker:index/container:Container qdrant-container-secrets",
    ]);
  });

  it("a new redisPassword reaches Redis and the services that receive it only", async () => {
    const before = await deployDev({});
    const after = await deployDev({ "quantmind:redisPassword": "rotated-redis-password-0123" });
    expect(changed(before, after)).toEqual(restartsOf(secretConsumers("redisPassword")));
    expect(secretConsumers("redisPassword")).toContain("backup");
  });

  it("a generated kbMcpApiKey, rotated by its counter, is a new value that reaches kb-mcp only", async () => {
    const before = await deployDev({}, true);
    const after = await deployDev({ "quantmind:secretRotations": '{"kbMcpApiKey":1}' }, true);
    const password = "random:index/randomPassword:RandomPassword stack-secrets-kbMcpApiKey";
    expect(changed(before, after)).toEqual([...restartsOf(["kb-mcp"]), password].sort());
    expect(after.get(password)!.state!["result"]).not.toBe(before.get(password)!.state!["result"]);
    const uploads = (after.get("docker:index/container:Container kb-mcp-container-secrets")!.inputs["uploads"] as { value: { file: string; content: string }[] }).value;
    expect(uploads.find((u) => u.file === "/run/secrets/MCP_API_KEY")!.content).toBe(after.get(password)!.state!["result"]);
  });
});

/** What replacing a secret file restarts on the Docker targets: the seeder, then the start command. */
function restartsOf(services: readonly string[]): string[] {
  return services.flatMap((name) => [`command:local:Command ${name}-container-start`, `docker:index/container:Container ${name}-container-secrets`]).sort();
}
