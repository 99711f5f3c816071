/**
 * A new service is one descriptor, on aws too: a stateless MCP daemon that uses Redis gets
 * its task definition, service, route, autoscaling, alarms, Secrets Manager secret and MCP
 * endpoint with no change to the target. The same evaluation exercises the optional settings
 * Pulumi.prod.yaml leaves at their defaults.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "../../../infra/catalogue.js";
import { defineService, type Runtime } from "../../../infra/descriptor.js";
import { qcMcpDeploy } from "../../../services/qc/deploy.js";
import { reveal, secretOccurrences, valueOf, type RecordedResource } from "../../helpers/pulumi-mocks.js";
import { evaluateProdStack, type ProdStackRun } from "./prod-stack.js";

const SIGNALS = defineService<"REDIS_URL" | "REDIS_PASSWORD" | "MCP_API_KEY" | "LOG_LEVEL">({
  name: "signals-mcp",
  description: "a test MCP service on Redis",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "mcp", port: 8010, mcp: { clientName: "quantmind-signals", apiKeySecret: "kbMcpApiKey" } },
    command: ["serve", "signals", "--transport", "http", "--host", "0.0.0.0", "--port", "8010"],
    env: { REDIS_URL: (c) => c.redisUrl, LOG_LEVEL: (c) => c.logLevel },
    secrets: { REDIS_PASSWORD: "redisPassword", MCP_API_KEY: "kbMcpApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
    backends: ["redis"],
    stateless: true,
    scaling: { signal: "cpu" },
  },
  parse: (env) => env,
});

/** qc-mcp with another client name: an MCP container on local and vps, the Lambda on aws. */
const lambdaRuntime = qcMcpDeploy.runOn!.aws! as Runtime;
const QC_CONTAINER = {
  ...qcMcpDeploy,
  runOn: { aws: { ...lambdaRuntime, shape: { ...lambdaRuntime.shape, mcp: { clientName: "quantmind-qc-custom", apiKeySecret: "qcMcpApiKey" } } } as Runtime },
};

let stack: ProdStackRun;
const input = <V = unknown>(r: RecordedResource, key: string) => reveal(r.inputs[key]) as V;

beforeAll(async () => {
  stack = await evaluateProdStack({
    catalogue: [...SERVICE_CATALOGUE.filter((d) => d.name !== "qc-mcp"), SIGNALS, QC_CONTAINER],
    config: {
      "quantmind:albAllowedCidrs": "203.0.113.0/24, 198.51.100.7/32",
      "quantmind:albDomainName": "agents.example.org",
      "quantmind:alarmEmail": "ops@example.org",
      "quantmind:deletionProtection": "false",
    },
  });
});

describe("a new catalogue entry on aws", () => {
  it("gets a Fargate service with its command, limits, Redis URL and secrets by reference", () => {
    const td = stack.run.named("aws:ecs/taskDefinition:TaskDefinition", "qm-prod-signals-mcp-task");
    const [c] = JSON.parse(input<string>(td, "containerDefinitions")) as { command: string[]; environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[]; memory: number }[];
    expect(c!.command).toEqual(SIGNALS.run.command);
    expect(c!.memory).toBe(512);
    expect(input(td, "cpu")).toBe("512");
    expect(Object.fromEntries(c!.environment.map((e) => [e.name, e.value]))["REDIS_URL"]).toBe("rediss://qm-prod-redis-group.cache.amazonaws.com:6379");
    expect(c!.secrets.map((s) => s.name).sort()).toEqual(["MCP_API_KEY", "REDIS_PASSWORD"]);
    // The Redis password now has a Secrets Manager copy, because a service reads it.
    expect(c!.secrets.find((s) => s.name === "REDIS_PASSWORD")!.valueFrom).toMatch(/secret:qm-prod-secrets-redisPassword-AbCdEf:::v-/);
    expect(secretOccurrences(stack.run.resources, [stack.secrets.redisPassword]).map((p) => p.where).sort()).toEqual([
      "aws:elasticache/replicationGroup:ReplicationGroup qm-prod-redis-group.authToken",
      "aws:secretsmanager/secretVersion:SecretVersion qm-prod-secrets-redisPassword-value.secretString",
    ]);
  });

  it("is routed at /signals/mcp, autoscaled, alarmed, and listed as an MCP endpoint on the configured domain", async () => {
    expect(input(stack.run.named("aws:lb/listenerRule:ListenerRule", "qm-prod-edge-signals-mcp"), "conditions")).toEqual([{ pathPattern: { values: ["/signals/mcp"] } }]);
    expect(stack.run.ofType("aws:appautoscaling/target:Target").map((t) => t.name).sort()).toEqual(["qm-prod-backtest-mcp-scaling", "qm-prod-backtest-worker-scaling", "qm-prod-kb-mcp-scaling", "qm-prod-signals-mcp-scaling"]);
    const alarmed = stack.run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name);
    expect(alarmed).toEqual(expect.arrayContaining(["qm-prod-alarms-signals-mcp-cpu", "qm-prod-alarms-signals-mcp-memory", "qm-prod-alarms-signals-mcp-unhealthy"]));
    const endpoint = stack.target.mcpEndpoints.find((e) => e.service === "signals-mcp")!;
    expect(endpoint.clientName).toBe("quantmind-signals");
    expect(await valueOf(endpoint.url)).toBe("https://agents.example.org/signals/mcp");
    // A configured domain means no certificate lookup.
    expect(stack.run.ofType("aws:acm/certificate:Certificate")).toEqual([]);
  });

  it("runs qc-mcp on Lambda, not Fargate, under the catalogue's client name", () => {
    expect(stack.run.ofType("aws:ecs/taskDefinition:TaskDefinition").map((r) => r.name)).not.toContain("qm-prod-qc-mcp-task");
    expect(stack.target.mcpEndpoints.filter((e) => e.service === "qc-mcp").map((e) => e.clientName)).toEqual(["quantmind-qc-custom"]);
  });
});

describe("optional aws settings", () => {
  it("albAllowedCidrs: the ALB admits exactly those, on 443 and 80", () => {
    const rules = stack.run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => input(r, "cidrIpv4") !== undefined);
    expect(rules.map((r) => `${input<string>(r, "cidrIpv4")}:${input<number>(r, "fromPort")}`).sort()).toEqual(["198.51.100.7/32:443", "198.51.100.7/32:80", "203.0.113.0/24:443", "203.0.113.0/24:80"]);
  });

  it("alarmEmail: subscribed to the alarm topic", () => {
    expect(stack.run.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => reveal(s.inputs))).toEqual([expect.objectContaining({ protocol: "email", endpoint: "ops@example.org" })]);
  });

  it("deletionProtection=false: the ALB, registry and secrets can be destroyed at once", () => {
    expect(input(stack.run.ofType("aws:lb/loadBalancer:LoadBalancer")[0]!, "enableDeletionProtection")).toBe(false);
    expect(input(stack.run.ofType("aws:ecr/repository:Repository")[0]!, "forceDelete")).toBe(true);
    for (const secret of stack.run.ofType("aws:secretsmanager/secret:Secret")) expect(input(secret, "recoveryWindowInDays"), secret.name).toBe(0);
    expect(input(stack.run.ofType("aws:elasticache/replicationGroup:ReplicationGroup")[0]!, "finalSnapshotIdentifier")).toBeUndefined();
  });
});
