/** log-retention-set (per resource) and log-groups-in-stack (stack-wide). */
import { describe, expect, it } from "vitest";
import { logGroupsInStack } from "../../../../infra/policy/rules/log-groups-in-stack.js";
import { logRetention } from "../../../../infra/policy/rules/log-retention.js";
import { validateStack, violations } from "../harness.js";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const LAMBDA = "aws:lambda/function:Function";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";

const awslogs = (options: Record<string, string>) => ({ logDriver: "awslogs", options: { "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "kb-mcp", ...options } });
const task = (name: string, logConfiguration: unknown) => ({
  type: TASK,
  name,
  props: { family: name, containerDefinitions: JSON.stringify([{ name: "kb-mcp", image: "quantmind:abc", logConfiguration }]) },
});

describe("log-retention-set", () => {
  it("passes a log group with retention; refuses one without, or with 0", async () => {
    expect(await violations(logRetention, { type: LOG_GROUP, name: "kb-mcp-logs", props: { name: "/quantmind/prod/kb-mcp", retentionInDays: 90 } })).toEqual([]);
    expect(await violations(logRetention, { type: LOG_GROUP, name: "kb-mcp-logs", props: { name: "/quantmind/prod/kb-mcp" } })).toEqual([
      "log group /quantmind/prod/kb-mcp keeps logs forever (retentionInDays unset): set retentionInDays, e.g. from quantmind:logRetentionDays",
    ]);
    expect(await violations(logRetention, { type: LOG_GROUP, name: "other", props: { retentionInDays: 0 } })).toEqual([
      "log group keeps logs forever (retentionInDays 0): set retentionInDays, e.g. from quantmind:logRetentionDays",
    ]);
  });

  it("refuses an ECS container that lets awslogs create its own log group", async () => {
    expect(await violations(logRetention, task("kb-mcp-task", awslogs({ "awslogs-group": "/quantmind/prod/kb-mcp" })))).toEqual([]);
    expect(await violations(logRetention, task("kb-mcp-task", awslogs({ "awslogs-group": "/ecs/kb-mcp", "awslogs-create-group": "true" })))).toEqual([
      'container "kb-mcp" lets the awslogs driver create its log group, which then has no retention: create an aws.cloudwatch.LogGroup with retentionInDays and name it in awslogs-group',
    ]);
  });
});

describe("log-groups-in-stack", () => {
  const group = { type: LOG_GROUP, name: "qc-logs", props: { name: "/quantmind/qc", retentionInDays: 30, arn: "arn:aws:logs:eu-west-1:123456789012:log-group:/quantmind/qc" } };

  it("passes a Lambda whose loggingConfig comes from a stack log group, and one naming it", async () => {
    const fn = { type: LAMBDA, name: "qc-function", props: { name: "qc-function-1a2b3c", loggingConfig: { logFormat: "Text", logGroup: "/quantmind/qc" } } };
    expect(await validateStack(logGroupsInStack, [group, { ...fn, dependsOn: { loggingConfig: ["qc-logs"] } }])).toEqual([]);
    expect(await validateStack(logGroupsInStack, [group, fn])).toEqual([]);
  });

  it("refuses a Lambda that logs to the default /aws/lambda group the stack does not create", async () => {
    const fn = { type: LAMBDA, name: "qc-function", props: { name: "qc-function-1a2b3c" } };
    expect(await validateStack(logGroupsInStack, [group, fn])).toEqual([
      {
        resource: "qc-function",
        message:
          'Function "qc-function" logs to /aws/lambda/qc-function-1a2b3c, which is not a log group of this stack, so AWS creates it without retention: create an aws.cloudwatch.LogGroup with retentionInDays and set loggingConfig.logGroup to its name',
      },
    ]);
    const named = { type: LOG_GROUP, name: "qc-default-logs", props: { name: "/aws/lambda/qc-function-1a2b3c", retentionInDays: 14 } };
    expect(await validateStack(logGroupsInStack, [group, named, fn])).toEqual([]);
  });

  it("refuses an ECS container logging to a group outside the stack", async () => {
    const kbGroup = { type: LOG_GROUP, name: "kb-mcp-logs", props: { name: "/quantmind/prod/kb-mcp", retentionInDays: 90 } };
    expect(await validateStack(logGroupsInStack, [kbGroup, task("kb-mcp-task", awslogs({ "awslogs-group": "/quantmind/prod/kb-mcp" }))])).toEqual([]);
    const found = await validateStack(logGroupsInStack, [kbGroup, task("kb-mcp-task", awslogs({ "awslogs-group": "/ecs/kb-mcp" }))]);
    expect(found).toEqual([
      {
        resource: "kb-mcp-task",
        message: 'TaskDefinition "kb-mcp-task" container "kb-mcp" logs to /ecs/kb-mcp, which is not a log group of this stack: create an aws.cloudwatch.LogGroup with retentionInDays and name it in awslogs-group',
      },
    ]);
  });
});
