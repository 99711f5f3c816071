/**
 * The dev stack (local target) as written in Pulumi.dev.yaml, under Pulumi mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretOutput, plainTextLeaks, settled, valueOf, type PulumiMockRun, type RecordedResource } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../helpers/stack-files.js";
import { expectHardenedContainers, runningContainers, secretUploads, startCommandOf, uploadedSecret } from "./docker-assertions.js";

const CONTAINER = "docker:index/container:Container";
let run: PulumiMockRun;
let deployed: import("../../infra/targets/target.js").DeployedTarget;
let clientConfig: import("@pulumi/pulumi").Output<string>;
const { config, secretKeys } = operatorStackConfig("dev");

beforeAll(async () => {
  run = await installPulumiMocks("dev", config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const { createLocalTarget } = await import("../../infra/targets/local.js");
  const { mcpClientConfigOutput } = await import("../../infra/mcp-client-config.js");
  const stackConfig = loadStackConfig();
  if (stackConfig.target !== "local") throw new Error("dev is local");
  deployed = createLocalTarget(stackConfig, loadStackSecrets(stackConfig));
  clientConfig = mcpClientConfigOutput(deployed.mcpEndpoints);
  await valueOf(clientConfig);
  await settled(run);
});

const container = (name: string): RecordedResource => {
  const found = run.ofType(CONTAINER).find((r) => r.inputs["name"] === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

describe("local target (dev)", () => {
  it("creates the network, the image, Redis, Qdrant, the indexer job, kb-mcp, qc-mcp and the backup service", () => {
    const network = run.named("docker:index/network:Network", "network");
    expect(network.inputs["name"]).toBe("qm-dev-net");
    expect(network.inputs["ipamConfigs"]).toEqual([{ subnet: "172.28.10.0/24" }]);
    const image = run.ofType("docker:index/image:Image");
    expect(image).toHaveLength(1);
    expect(image[0]!.inputs["build"]).toMatchObject({ builderVersion: "BuilderV1", platform: "linux/amd64" });
    expect(runningContainers(run).map((r) => r.inputs["name"]).sort()).toEqual([
      "qm-dev-backtest-mcp",
      "qm-dev-backtest-worker",
      "qm-dev-backup",
      "qm-dev-kb-indexer",
      "qm-dev-kb-mcp",
      "qm-dev-qc-mcp",
      "qm-dev-qdrant",
      "qm-dev-redis",
      "qm-dev-strategy-agent",
    ]);
    expect(run.ofType(CONTAINER).filter((r) => String(r.inputs["name"]).endsWith("-secrets-seeder"))).toHaveLength(9);
    expect(run.ofType("docker:index/volume:Volume").map((r) => r.inputs["name"]).sort()).toEqual([
      "qm-dev-backtest-mcp-secrets",
      "qm-dev-backtest-worker-secrets",
      "qm-dev-backup-data",
      "qm-dev-backup-secrets",
      "qm-dev-kb-indexer-secrets",
      "qm-dev-kb-mcp-secrets",
      "qm-dev-qc-mcp-secrets",
      "qm-dev-qdrant-secrets",
      "qm-dev-qdrant-snapshots",
      "qm-dev-qdrant-storage",
      "qm-dev-redis-data",
      "qm-dev-redis-secrets",
      "qm-dev-strategy-agent-secrets",
    ]);
  });

  it("hardens every container and sets its pids limit before starting it", () => {
    expectHardenedContainers(run);
    expect(startCommandOf(run, "qm-dev-kb-indexer")).toMatch(/^docker update --pids-limit 256 qm-dev-kb-indexer && docker start --attach qm-dev-kb-indexer$/);
    expect(startCommandOf(run, "qm-dev-kb-mcp")).toContain("docker update --pids-limit 256 qm-dev-kb-mcp && docker restart qm-dev-kb-mcp");
  });

  it("publishes only the MCP servers, on 127.0.0.1 only", () => {
    for (const r of run.ofType(CONTAINER)) {
      for (const port of (r.inputs["ports"] as { ip: string }[] | undefined) ?? []) expect(port.ip).toBe("127.0.0.1");
    }
    expect(container("qm-dev-kb-mcp").inputs["ports"]).toEqual([{ internal: 8000, external: 8000, ip: "127.0.0.1" }]);
    expect(container("qm-dev-qc-mcp").inputs["ports"]).toEqual([{ internal: 8001, external: 8001, ip: "127.0.0.1" }]);
    for (const name of ["qm-dev-redis", "qm-dev-qdrant", "qm-dev-kb-indexer"]) expect(container(name).inputs["ports"] ?? []).toEqual([]);
  });

  it("delivers each service exactly its secrets, as files, and nothing in plain text", () => {
    expect(plainTextLeaks(run.resources, secretKeys.map((key) => config[key]!))).toEqual([]);
    const mcp = container("qm-dev-kb-mcp");
    expect(uploadedSecret(run, "qm-dev-kb-mcp", "/run/secrets/MCP_API_KEY")).toBe(config["quantmind:kbMcpApiKey"]);
    expect(uploadedSecret(run, "qm-dev-kb-mcp", "/run/secrets/QDRANT_API_KEY")).toBe(config["quantmind:qdrantApiKey"]);
    expect(mcp.inputs["envs"]).toEqual(expect.arrayContaining(["MCP_API_KEY_FILE=/run/secrets/MCP_API_KEY", "QDRANT_URL=http://qdrant:6333"]));
    // The stack here sets the optional embedding endpoint key too: kb-indexer and kb-mcp receive it.
    expect(secretUploads(run, "qm-dev-kb-indexer").map((u) => u.file)).toEqual(["/run/secrets/QDRANT_API_KEY", "/run/secrets/EMBEDDINGS_API_KEY"]);
    expect(uploadedSecret(run, "qm-dev-kb-mcp", "/run/secrets/EMBEDDINGS_API_KEY")).toBe(config["quantmind:embeddingsApiKey"]);
    expect(uploadedSecret(run, "qm-dev-kb-indexer", "/run/secrets/QDRANT_API_KEY")).toBe(config["quantmind:qdrantApiKey"]);
    const redisConf = uploadedSecret(run, "qm-dev-redis", "/run/secrets/redis.conf");
    expect(redisConf).toContain(`requirepass ${config["quantmind:redisPassword"]}\n`);
    expect(redisConf).toContain("appendonly yes\n");
    expect(secretUploads(run, "qm-dev-qc-mcp").map((u) => [u.file, u.content])).toEqual([
      ["/run/secrets/QC_USER_ID", config["quantmind:qcUserId"]],
      ["/run/secrets/QC_API_TOKEN", config["quantmind:qcApiToken"]],
      ["/run/secrets/MCP_API_KEY", config["quantmind:qcMcpApiKey"]],
    ]);
    expect(uploadedSecret(run, "qm-dev-qdrant", "/run/secrets/qdrant.yaml")).toContain(`api_key: "${config["quantmind:qdrantApiKey"]}"`);
  });

  it("exports the kb-mcp endpoint and a secret client configuration that is valid JSON for each client", async () => {
    expect(await valueOf(deployed.endpoints["kb-mcp"]!)).toBe("http://127.0.0.1:8000");
    expect(await isSecretOutput(clientConfig)).toBe(true);
    const parsed = JSON.parse(await valueOf(clientConfig)) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    const key = config["quantmind:kbMcpApiKey"];
    expect(parsed["cursor"]!["mcpServers"]!["quantmind-kb"]).toEqual({ url: "http://127.0.0.1:8000/mcp", headers: { "x-api-key": key } });
    expect(parsed["vscode"]!["servers"]!["quantmind-kb"]).toEqual({ type: "http", url: "http://127.0.0.1:8000/mcp", headers: { "x-api-key": key } });
    const claude = parsed["claudeDesktop"]!["mcpServers"]!["quantmind-kb"]!;
    expect(claude["args"]).toContain("http://127.0.0.1:8000/mcp");
    expect(claude["env"]).toEqual({ QUANTMIND_API_KEY: key });
  });

  it("seeds secrets from the service image, and switches the image's health probe off for the job", () => {
    const image = run.ofType(CONTAINER).find((r) => r.inputs["name"] === "qm-dev-kb-mcp")!.inputs["image"];
    for (const seeder of run.ofType(CONTAINER).filter((r) => String(r.inputs["name"]).endsWith("-secrets-seeder"))) {
      expect(seeder.inputs["image"]).toBe(image);
    }
    expect(container("qm-dev-kb-indexer").inputs["healthcheck"]).toEqual({ tests: ["NONE"] });
    expect((container("qm-dev-kb-mcp").inputs["healthcheck"] as { tests: string[] }).tests).toEqual(["CMD", "node", "/app/bin/healthcheck.js", "8000"]);
  });

  it("gives secret files to the container's own user", () => {
    expect(secretUploads(run, "qm-dev-kb-mcp").map((u) => u.owner)).toEqual(["10001", "10001", "10001"]);
    expect(secretUploads(run, "qm-dev-redis")[0]!.owner).toBe("999");
  });
});
