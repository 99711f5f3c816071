/**
 * Rotating one stack secret (`pulumi config set --secret` with a new value, then `pulumi up`)
 * changes only the resources that carry it: its Secrets Manager version, and the task
 * definitions (and so the ECS services) that pin that version. Nothing else moves. (The exact
 * sets below also show the evaluation is deterministic: any drift would add to them.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import { reveal, type RecordedResource } from "../../helpers/pulumi-mocks.js";
import { StackConfigError } from "../../../stacks/errors.js";
import { evaluateProdStack, prodStackFile, TEST_CERTIFICATE_ARN, TEST_SECRETS, type TestSecretKey } from "./prod-stack.js";

type Snapshot = Map<string, string>;

function snapshot(resources: readonly RecordedResource[]): Snapshot {
  return new Map(resources.map((r) => [`${r.type} ${r.name}`, JSON.stringify(reveal(r.inputs))]));
}

function changed(before: Snapshot, after: Snapshot): string[] {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before].filter(([key, inputs]) => after.get(key) !== inputs).map(([key]) => key).sort();
}

let baseline: Snapshot;
const rotate = async (key: TestSecretKey) => snapshot((await evaluateProdStack({ secrets: { [key]: `${TEST_SECRETS[key]}-rotated-0123456789` } })).run.resources);

beforeAll(async () => {
  baseline = snapshot((await evaluateProdStack()).run.resources);
});

describe("rotating a secret on aws", () => {
  it("kbMcpApiKey: its secret version, then kb-mcp's task definition and service; no other service", async () => {
    expect(changed(baseline, await rotate("kbMcpApiKey"))).toEqual(
      [
        "aws:secretsmanager/secretVersion:SecretVersion qm-prod-secrets-kbMcpApiKey-value",
        "aws:ecs/taskDefinition:TaskDefinition qm-prod-kb-mcp-task",
        "aws:ecs/service:Service qm-prod-kb-mcp-service",
      ].sort(),
    );
  });

  it("qdrantApiKey: Qdrant and both services that call it, including what starts the indexer", async () => {
    expect(changed(baseline, await rotate("qdrantApiKey"))).toEqual(
      [
        "aws:secretsmanager/secretVersion:SecretVersion qm-prod-secrets-qdrantApiKey-value",
        "aws:ecs/taskDefinition:TaskDefinition qm-prod-qdrant-task",
        "aws:ecs/service:Service qm-prod-qdrant-service",
        "aws:ecs/taskDefinition:TaskDefinition qm-prod-kb-mcp-task",
        "aws:ecs/service:Service qm-prod-kb-mcp-service",
        "aws:ecs/taskDefinition:TaskDefinition qm-prod-kb-indexer-task",
        "aws:cloudwatch/eventTarget:EventTarget qm-prod-kb-indexer-trigger-after-kb-mcp",
        // The scheduled backup task reads the key too; its schedule points at the new revision.
        "aws:ecs/taskDefinition:TaskDefinition qm-prod-backup-task",
        "aws:scheduler/schedule:Schedule qm-prod-backup-qdrant",
      ].sort(),
    );
  });

  it("redisPassword: the ElastiCache AUTH token, its stored copy, and the services that read Redis (backtest, the agent)", async () => {
    expect(changed(baseline, await rotate("redisPassword"))).toEqual([
      "aws:ecs/service:Service qm-prod-backtest-mcp-service",
      "aws:ecs/service:Service qm-prod-backtest-worker-service",
      "aws:ecs/service:Service qm-prod-strategy-agent-service",
      "aws:ecs/taskDefinition:TaskDefinition qm-prod-backtest-mcp-task",
      "aws:ecs/taskDefinition:TaskDefinition qm-prod-backtest-worker-task",
      "aws:ecs/taskDefinition:TaskDefinition qm-prod-strategy-agent-task",
      "aws:elasticache/replicationGroup:ReplicationGroup qm-prod-redis-group",
      "aws:secretsmanager/secretVersion:SecretVersion qm-prod-secrets-redisPassword-value",
    ]);
  });

  it("qcApiToken: only the credentials secret; the Lambda re-reads it, so the function is untouched", async () => {
    expect(changed(baseline, await rotate("qcApiToken"))).toEqual(["aws:secretsmanager/secretVersion:SecretVersion qm-prod-qc-mcp-credentials-value"]);
  });

  it("qcMcpApiKey: the API Gateway key and the secret the function checks it against; not the function", async () => {
    expect(changed(baseline, await rotate("qcMcpApiKey"))).toEqual(
      ["aws:apigateway/apiKey:ApiKey qm-prod-qc-mcp-key", "aws:secretsmanager/secretVersion:SecretVersion qm-prod-qc-mcp-client-key-value"].sort(),
    );
  });
});

describe("a missing secret", () => {
  it("fails with the exact commands that set it", async () => {
    const { parseStackConfig } = await import("../../../stacks/parse.js");
    const all = {
      ...prodStackFile(),
      "quantmind:certificateArn": TEST_CERTIFICATE_ARN,
      ...Object.fromEntries(Object.entries(TEST_SECRETS).filter(([key]) => key !== "qcApiToken").map(([key, value]) => [`quantmind:${key}`, value])),
    };
    const error = (() => {
      try {
        parseStackConfig("prod", all);
      } catch (caught) {
        return caught;
      }
      throw new Error("parseStackConfig accepted a stack without quantmind:qcApiToken");
    })();
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).commands).toEqual(['(read -rs token && printf %s "$token") | pulumi config set --secret --stack prod quantmind:qcApiToken']);
  });
});
