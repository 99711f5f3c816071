/**
 * The made-up catalogue (one descriptor of every shape) on the aws target, under mocks: what
 * each shape becomes there, from its shape alone. The Lambda is built by its own descriptor's
 * bundler, as `pulumi up` would.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reveal, valueOf, type RecordedResource } from "../../helpers/pulumi-mocks.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

type TempDir = Awaited<ReturnType<typeof makeTempDir>>;
import { evaluateProdStack, type ProdStackRun } from "../aws/prod-stack.js";
import { madeUpCatalogue } from "./made-up-catalogue.js";

const T = {
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  policy: "aws:appautoscaling/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  schedule: "aws:scheduler/schedule:Schedule",
} as const;

let temp: TempDir;
let stack: ProdStackRun;
const bundled: string[] = [];
const input = <V = unknown>(r: RecordedResource, key: string) => reveal(r.inputs[key]) as V;
const named = (type: string, name: string) => stack.run.named(type, name);
const containerOf = (service: string) =>
  (JSON.parse(input<string>(named(T.taskDefinition, `qm-prod-${service}-task`), "containerDefinitions")) as { command?: string[]; environment: { name: string; value: string }[]; secrets: { name: string }[]; healthCheck?: { command: string[] }; portMappings: { containerPort: number }[] }[])[0]!;
const statementsOf = (name: string) => (JSON.parse(input<string>(named(T.rolePolicy, name), "policy")) as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] }).Statement;

beforeAll(async () => {
  temp = await makeTempDir("qm-shapes-aws-");
  stack = await evaluateProdStack({ catalogue: madeUpCatalogue(temp.dir, bundled), realBundles: true });
});
afterAll(async () => {
  await temp.remove();
});

describe("aws: every shape from its descriptor", () => {
  it("puts container shapes on Fargate (services for the long-running ones), the scheduled one on the scheduler, the Lambda on Lambda", () => {
    expect(stack.run.ofType(T.taskDefinition).map((r) => r.name).sort()).toEqual(
      ["made-agent", "made-daemon", "made-job", "made-mcp", "made-scheduled", "made-worker", "qdrant"].map((s) => `qm-prod-${s}-task`),
    );
    expect(stack.run.ofType("quantmind:aws:FargateTask")).toHaveLength(7);
    expect(stack.run.ofType(T.service).map((r) => r.name).sort()).toEqual(
      ["made-agent", "made-daemon", "made-mcp", "made-worker", "qdrant"].map((s) => `qm-prod-${s}-service`),
    );
    expect(stack.run.ofType("aws:lambda/function:Function").map((r) => r.name)).toEqual(["qm-prod-made-lambda-function"]);
    expect(Object.keys(stack.target.jobs).sort()).toEqual(["made-job", "made-scheduled"]);
  });

  it("mcp: routed at /made/mcp, probed, CPU-scaled at its own target, an endpoint with its key", async () => {
    expect(input(named("aws:lb/listenerRule:ListenerRule", "qm-prod-edge-made-mcp"), "conditions")).toEqual([{ pathPattern: { values: ["/made/mcp"] } }]);
    expect(containerOf("made-mcp").healthCheck?.command).toEqual(["CMD", "node", "/app/bin/healthcheck.js", "8100"]);
    const cpu = reveal(named(T.policy, "qm-prod-made-mcp-cpu").inputs) as { targetTrackingScalingPolicyConfiguration: { targetValue: number } };
    expect(cpu.targetTrackingScalingPolicyConfiguration.targetValue).toBe(50);
    expect(input(named("aws:appautoscaling/target:Target", "qm-prod-made-mcp-scaling"), "maxCapacity")).toBe(stack.config.mcpMaxTasks);
    const endpoint = stack.target.mcpEndpoints.find((e) => e.service === "made-mcp")!;
    expect(await valueOf(endpoint.url)).toBe("https://mcp.example.com/made/mcp");
    expect(await valueOf(endpoint.apiKey)).toBe(stack.secrets.kbMcpApiKey);
    // It waits for the job: a completed rollout of made-mcp runs made-job.
    expect(stack.run.ofType("aws:cloudwatch/eventRule:EventRule").map((r) => r.name)).toEqual(["qm-prod-made-job-trigger-after-made-mcp"]);
  });

  it("daemon serving MCP on its health port: routed, its target group and task probing its own health path", async () => {
    expect(input<{ path: string }>(named("aws:lb/targetGroup:TargetGroup", "qm-prod-edge-made-agent"), "healthCheck").path).toBe("/ready");
    expect(containerOf("made-agent").healthCheck?.command).toEqual(["CMD", "node", "/app/bin/healthcheck.js", "8080", "/ready"]);
    expect(await valueOf(stack.target.mcpEndpoints.find((e) => e.service === "made-agent")!.url)).toBe("https://mcp.example.com/made-agent/mcp");
    // Not stateless: replaced, never doubled, and not scaled.
    expect(reveal(named(T.service, "qm-prod-made-agent-service").inputs)).toMatchObject({ desiredCount: 1, deploymentMaximumPercent: 100 });
    expect(stack.run.ofType("aws:appautoscaling/target:Target").map((t) => t.name).sort()).toEqual(["qm-prod-made-mcp-scaling", "qm-prod-made-worker-scaling"]);
  });

  it("daemon without a port: a service with no route, no probe and no endpoint", () => {
    const c = containerOf("made-daemon");
    expect(c.portMappings).toEqual([]);
    expect(c.healthCheck).toBeUndefined();
    expect(input(named(T.service, "qm-prod-made-daemon-service"), "loadBalancers")).toBeUndefined();
    expect(stack.target.endpoints["made-daemon"]).toBeUndefined();
  });

  it("queue worker: target tracking on its queue's depth per task, a metric its log lines make, and no AWS permission", () => {
    const policy = reveal(named(T.policy, "qm-prod-made-worker-queue-depth").inputs) as {
      policyType: string;
      targetTrackingScalingPolicyConfiguration: { targetValue: number; customizedMetricSpecification: { metrics: { id: string; expression?: string; returnData: boolean; metricStat?: { metric: { namespace: string; metricName: string; dimensions: { name: string; value: string }[] } } }[] } };
    };
    expect(policy.policyType).toBe("TargetTrackingScaling");
    const config = policy.targetTrackingScalingPolicyConfiguration;
    expect(config.targetValue).toBe(5);
    const metrics = config.customizedMetricSpecification.metrics;
    expect(metrics.find((m) => m.id === "depth")!.metricStat!.metric).toEqual({ namespace: "QuantMind/Queues", metricName: "QueueDepth", dimensions: [{ name: "Queue", value: "made-jobs" }] });
    expect(metrics.filter((m) => m.returnData).map((m) => m.expression)).toEqual(["depth / IF(tasks > 0, tasks, 1)"]);
    const range = reveal(named("aws:appautoscaling/target:Target", "qm-prod-made-worker-scaling").inputs);
    expect(range).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
    // The workers log their depth; a metric filter on their log group makes the metric, so their task role needs no policy.
    expect(reveal(named("aws:cloudwatch/logMetricFilter:LogMetricFilter", "qm-prod-made-worker-queue-depth").inputs)).toEqual({
      logGroupName: "/quantmind/qm-prod/made-worker",
      pattern: '{ $.msg = "queue depth" && $.queue = "made-jobs" }',
      metricTransformation: { name: "QueueDepth", namespace: "QuantMind/Queues", value: "$.depth", dimensions: { Queue: "$.queue" }, unit: "Count" },
    });
    expect(stack.run.ofType(T.rolePolicy).map((p) => p.name)).not.toContain("qm-prod-made-worker-task");
    expect(stack.run.ofType(T.policy).map((p) => p.name)).not.toContain("qm-prod-made-worker-cpu");
  });

  it("job: a task definition and its run-task command, no ECS service", async () => {
    expect(containerOf("made-job").command).toEqual(["made", "job"]);
    expect(await valueOf(stack.target.jobs["made-job"]!.runTaskCommand)).toMatch(/--task-definition arn:aws:ecs:\S+:task-definition\/qm-prod-made-job:\d+ --launch-type FARGATE --platform-version 1\.4\.0/);
  });

  it("scheduled: one schedule per run on its own cron, a command override where the run differs, the object store, alarms on its logs", async () => {
    const schedules = Object.fromEntries(stack.run.ofType(T.schedule).map((s) => [s.name, reveal(s.inputs) as { scheduleExpression: string; target: { input?: string } }]));
    expect(Object.keys(schedules).sort()).toEqual(["qm-prod-made-scheduled-hourly", "qm-prod-made-scheduled-nightly"]);
    expect(schedules["qm-prod-made-scheduled-hourly"]!.scheduleExpression).toBe("cron(5 * * * ? *)");
    expect(schedules["qm-prod-made-scheduled-hourly"]!.target.input).toBeUndefined();
    expect(JSON.parse(schedules["qm-prod-made-scheduled-nightly"]!.target.input!)).toEqual({ containerOverrides: [{ name: "made-scheduled", command: ["made", "run", "--full"] }] });
    expect(containerOf("made-scheduled").command).toEqual(["made", "run"]);
    const env = Object.fromEntries(containerOf("made-scheduled").environment.map((e) => [e.name, e.value]));
    expect(env["BUCKET"]).toMatch(/^qm-prod-backups-123456789012-eu-west-1$/);
    expect(statementsOf("qm-prod-made-scheduled-task-task").flatMap((s) => [s.Action].flat())).toEqual(["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
    const alarms = stack.run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("qm-prod-made-scheduled-"));
    expect(alarms.map((a) => [a.name, input(a, "metricName"), input(a, "evaluationPeriods")])).toEqual([
      ["qm-prod-made-scheduled-failed", "MadeFailures", 1],
      ["qm-prod-made-scheduled-stale", "MadeSuccesses", 6],
    ]);
    expect(await valueOf(stack.target.jobs["made-scheduled"]!.runTaskCommand)).toContain("--task-definition qm-prod-made-scheduled ");
  });

  it("only the runtime that asks for the object store may write to it", () => {
    for (const role of ["qm-prod-made-mcp-task", "qm-prod-made-daemon-task", "qm-prod-made-job-task"]) {
      expect(stack.run.ofType(T.rolePolicy).map((p) => p.name), role).not.toContain(role);
    }
  });

  it("lambda: built by its descriptor's bundler, its secret stored and passed by ARN, behind API Gateway as an MCP endpoint", async () => {
    expect(bundled).toHaveLength(1);
    const fn = named("aws:lambda/function:Function", "qm-prod-made-lambda-function");
    expect(reveal(fn.inputs)).toMatchObject({ memorySize: 256, timeout: 10, handler: "index.handler" });
    const assets = await (fn.inputs["code"] as pulumi.asset.AssetArchive).assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    expect(await (assets["index.js"] as pulumi.asset.FileAsset).path).toBe(bundled[0]);
    const env = input<{ variables: Record<string, string> }>(fn, "environment").variables;
    expect(env).toEqual({ LOG_LEVEL: "info", SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:.*:secret:qm-prod-made-lambda-key-AbCdEf$/) });
    expect(reveal(named("aws:secretsmanager/secretVersion:SecretVersion", "qm-prod-made-lambda-key-value").inputs["secretString"])).toBe(stack.secrets.qcMcpApiKey);
    const endpoint = stack.target.mcpEndpoints.find((e) => e.service === "made-lambda")!;
    expect(endpoint.clientName).toBe("quantmind-made-lambda");
    expect(await valueOf(endpoint.url)).toMatch(/^https:\/\/qm-prod-made-lambda-api-id\.execute-api\.eu-west-1\.amazonaws\.com\/v1\/mcp$/);
  });
});
