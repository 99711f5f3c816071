/**
 * The testnet stack (vps target) as written in Pulumi.testnet.yaml, under Pulumi mocks.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretOutput, isSecretWrapper, plainTextLeaks, reveal, settled, valueOf, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig, TEST_SSH_PRIVATE_KEY } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { expectHardenedContainers, runningContainers, startCommandOf, uploadedSecret } from "./docker-assertions.js";

const { config, secretKeys } = operatorStackConfig("testnet");
let removeTempDir: () => Promise<void>;
let run: PulumiMockRun;
let deployed: import("../../infra/targets/target.js").DeployedTarget;
let clientConfig: import("@pulumi/pulumi").Output<string>;
let sshDir: string;

beforeAll(async () => {
  const temp = await makeTempDir();
  removeTempDir = temp.remove;
  sshDir = path.join(temp.dir, "ssh");
  run = await installPulumiMocks("testnet", config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const { createVpsTarget } = await import("../../infra/targets/vps.js");
  const { mcpClientConfigOutput } = await import("../../infra/mcp-client-config.js");
  const stackConfig = loadStackConfig();
  if (stackConfig.target !== "vps") throw new Error("testnet is vps");
  deployed = createVpsTarget(stackConfig, loadStackSecrets(stackConfig), { sshKeyDir: sshDir });
  clientConfig = mcpClientConfigOutput(deployed.mcpEndpoints);
  await valueOf(clientConfig);
  await settled(run);
});

afterAll(() => removeTempDir());

describe("vps target (testnet)", () => {
  it("creates a VPC, both hosts with Elastic IPs, and the same services as local", () => {
    expect(run.ofType("aws:ec2/vpc:Vpc")[0]!.inputs["cidrBlock"]).toBe("10.30.0.0/16");
    const instances = run.ofType("aws:ec2/instance:Instance");
    expect(instances.map((i) => i.name).sort()).toEqual(["linux-host-instance", "windows-host-instance"]);
    for (const instance of instances) {
      expect(instance.inputs["metadataOptions"]).toMatchObject({ httpTokens: "required" });
      expect(instance.inputs["rootBlockDevice"]).toMatchObject({ encrypted: true });
    }
    expect(run.ofType("aws:ec2/eip:Eip")).toHaveLength(2);
    expect(runningContainers(run).map((r) => r.inputs["name"]).sort()).toEqual([
      "qm-testnet-backtest-mcp",
      "qm-testnet-backtest-worker",
      "qm-testnet-backup",
      "qm-testnet-kb-indexer",
      "qm-testnet-kb-mcp",
      "qm-testnet-qc-mcp",
      "qm-testnet-qdrant",
      "qm-testnet-redis",
      "qm-testnet-strategy-agent",
    ]);
    expect(run.named("docker:index/network:Network", "network").inputs["ipamConfigs"]).toEqual([{ subnet: "172.29.10.0/24" }]);
  });

  it("installs Docker on the Linux host and prepares Windows with OpenSSH, MT5 and Python", () => {
    const linux = String(run.named("aws:ec2/instance:Instance", "linux-host-instance").inputs["userData"]);
    expect(linux).toContain("apt-get install -y -q docker.io");
    expect(linux).toContain("usermod -aG docker admin");
    const windows = String(run.named("aws:ec2/instance:Instance", "windows-host-instance").inputs["userData"]);
    expect(windows).toMatch(/^<powershell>/);
    expect(windows).toContain("Add-WindowsCapability -Online -Name OpenSSH.Server");
    expect(windows).toContain("mt5setup.exe");
    expect(windows).toContain("python-3.11.9-amd64.exe");
    expect(windows).toContain(config["quantmind:vpsSshPublicKey"]);
    expect(windows).toContain("-LocalPort 5555 -RemoteAddress 10.30.1.10");
  });

  it("opens SSH and RDP to the operator CIDRs only, and the bridge to the Linux host only", () => {
    const groups = run.ofType("aws:ec2/securityGroup:SecurityGroup");
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      for (const rule of group.inputs["ingress"] as { cidrBlocks?: string[] }[]) expect(rule.cidrBlocks ?? []).not.toContain("0.0.0.0/0");
    }
    const windows = run.named("aws:ec2/securityGroup:SecurityGroup", "vps-windows").inputs["ingress"] as Record<string, unknown>[];
    expect(windows.find((rule) => rule["fromPort"] === 5555)).toMatchObject({ securityGroups: ["vps-linux-id"] });
    expect(windows.filter((rule) => rule["cidrBlocks"]).map((rule) => rule["cidrBlocks"])).toEqual([["198.51.100.10/32"], ["198.51.100.10/32"]]);
  });

  it("drives Docker over SSH with dial limits, and waits for Docker before deploying", () => {
    const provider = run.ofType("pulumi:providers:docker")[0]!;
    expect(provider.inputs["host"]).toBe("ssh://admin@203.0.113.10");
    // Provider inputs reach the engine JSON-encoded; these derive from the key, so they stay secret too.
    const wrapped = provider.inputs["sshOpts"] as { value: string };
    expect(isSecretWrapper(wrapped)).toBe(true);
    const sshOpts = JSON.parse(wrapped.value) as string[];
    expect(sshOpts).toEqual(expect.arrayContaining(["ConnectTimeout=10", "ConnectionAttempts=3", "BatchMode=yes"]));
    const keyFile = sshOpts[sshOpts.indexOf("-i") + 1]!;
    expect(readFileSync(keyFile, "utf8")).toBe(`${TEST_SSH_PRIVATE_KEY}\n`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    for (const command of run.ofType("command:remote:Command")) {
      const connection = (command.inputs["connection"] as { value?: Record<string, unknown> }).value ?? (command.inputs["connection"] as Record<string, unknown>);
      expect(connection["dialErrorLimit"], command.name).toBeGreaterThan(0);
      expect(connection["perDialTimeout"], command.name).toBe(10);
    }
    expect(String(run.named("command:remote:Command", "linux-host-docker-ready").inputs["create"])).toContain("docker info");
  });

  it("hardens every container and sets pids limits on the remote host", () => {
    expectHardenedContainers(run);
    expect(run.ofType("command:local:Command")).toEqual([]);
    expect(startCommandOf(run, "qm-testnet-kb-mcp")).toContain("docker update --pids-limit 256 qm-testnet-kb-mcp");
  });

  it("keeps every secret, the SSH key included, out of plain text (user data, env, commands)", () => {
    expect(plainTextLeaks(run.resources, secretKeys.map((key) => config[key]!))).toEqual([]);
  });

  it("points the strategy agent, and only it, at the bridge: private address, port, pinned certificate, token as a file", async () => {
    const envOf = (name: string) => reveal(run.ofType("docker:index/container:Container").find((r) => r.inputs["name"] === name)!.inputs["envs"]) as string[];
    const fingerprint = await valueOf(deployed.endpoints["mt5BridgeFingerprint"]!);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(envOf("qm-testnet-strategy-agent")).toEqual(
      expect.arrayContaining([
        "MT5_BRIDGE_ENABLED=true",
        "MT5_BRIDGE_HOST=10.30.1.10",
        "MT5_BRIDGE_PORT=5555",
        `MT5_BRIDGE_CERT_SHA256=${fingerprint}`,
        "MT5_BRIDGE_TOKEN_FILE=/run/secrets/MT5_BRIDGE_TOKEN",
        "REDIS_PASSWORD_FILE=/run/secrets/REDIS_PASSWORD",
        "AGENT_ID=strategy-agent",
      ]),
    );
    expect(uploadedSecret(run, "qm-testnet-strategy-agent", "/run/secrets/MT5_BRIDGE_TOKEN")).toBe(config["quantmind:mt5BridgeToken"]);
    for (const name of ["qm-testnet-kb-mcp", "qm-testnet-backtest-worker", "qm-testnet-backup"]) expect(envOf(name).filter((e) => e.startsWith("MT5_BRIDGE"))).toEqual([]);
  });

  it("exports the hosts, the bridge, a tunnel command and a secret client config for the tunnelled endpoint", async () => {
    expect(await valueOf(deployed.endpoints["linuxHost"]!)).toBe("203.0.113.10");
    expect(await valueOf(deployed.endpoints["mt5Bridge"]!)).toBe("10.30.1.10:5555");
    expect(await valueOf(deployed.accessNotes!)).toContain("ssh -N -L 8000:127.0.0.1:8000 -L 8001:127.0.0.1:8001 -L 8002:127.0.0.1:8002 -L 8080:127.0.0.1:8080 admin@203.0.113.10");
    expect(await isSecretOutput(clientConfig)).toBe(true);
    const parsed = JSON.parse(await valueOf(clientConfig)) as { cursor: { mcpServers: Record<string, { url: string }> } };
    expect(parsed.cursor.mcpServers["quantmind-kb"]!.url).toBe("http://127.0.0.1:8000/mcp");
  });
});
