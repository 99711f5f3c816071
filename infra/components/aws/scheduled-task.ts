/**
 * A `scheduled` runtime on aws: its task definition from FargateTask, and an EventBridge
 * Scheduler schedule per run (each its own cron, and its own command when it differs from the
 * task's), started with a role that may run only this task family in this cluster. With
 * `alerts`, metric filters count failed and successful runs in the task's logs; one alarm fires
 * on any failure, another when no run has succeeded within the window.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveEnv, type DeployContext, type RunAlerts } from "../../descriptor.js";
import type { Deployment } from "../../deployments.js";
import { containerHardening } from "../../hardening.js";
import { toAwsCron } from "./aws-cron.js";
import { FargateTask, FARGATE_PLATFORM_VERSION, runTaskCommand } from "./fargate-task.js";
import { objectStoreStatements, type ObjectStoreGrant } from "./object-store.js";
import type { StoredSecret } from "./secrets.js";
import { secretRefs } from "./service.js";
import { DescriptorError } from "../../errors.js";

export interface ScheduledTaskArgs {
  deployment: Deployment;
  context: pulumi.Input<DeployContext>;
  /** Stack prefix, e.g. `qm-prod`. */
  namePrefix: string;
  clusterArn: pulumi.Input<string>;
  image: pulumi.Input<string>;
  repositoryArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  secrets: Readonly<Record<string, StoredSecret>>;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  logRetentionDays: number;
  objectStore?: ObjectStoreGrant;
  /** SNS topic the run alarms notify. */
  alarmTopicArn?: pulumi.Input<string>;
  /** URN of the component that created these resources before (the runtime's `awsFormerParent`). */
  formerParent?: pulumi.Input<string>;
}

export class ScheduledTask extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** Schedule names by run id. */
  readonly scheduleNames: Readonly<Record<string, pulumi.Output<string>>>;
  /** The command that runs the task once, now. */
  readonly runTaskCommand: pulumi.Output<string>;

  constructor(name: string, args: ScheduledTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:ScheduledTask", name, {}, opts);
    const parent = { parent: this, ...(args.formerParent && { aliases: [{ parent: args.formerParent }] }) };
    const { deployment, deployment: { runtime } } = args;
    if (runtime.shape.kind !== "scheduled") throw new DescriptorError("DESCRIPTOR_INVALID", `ScheduledTask: ${deployment.name} is a ${runtime.shape.kind} runtime, not scheduled`);
    const shape = runtime.shape;
    const context = pulumi.output(args.context);

    const task = new FargateTask(
      name,
      {
        family: `${args.namePrefix}-${deployment.name}`,
        containerName: deployment.name,
        image: args.image,
        command: runtime.command,
        environment: context.apply((c) => resolveEnv(runtime, c)),
        secrets: secretRefs(deployment.name, runtime.secrets, args.secrets),
        hardening: containerHardening({ ...runtime.limits, tmpfsPaths: runtime.tmpfsPaths }),
        logGroupName: `/quantmind/${args.namePrefix}-${deployment.name}`,
        logRetentionDays: args.logRetentionDays,
        accountId: args.accountId,
        region: args.region,
        repositoryArn: args.repositoryArn,
        ...(args.objectStore && { taskPolicyStatements: objectStoreStatements(args.objectStore) }),
        roleName: `${name}-task`,
        ...(args.formerParent && { formerParent: args.formerParent }),
      },
      { parent: this },
    );

    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        description: `EventBridge Scheduler starts the ${deployment.name} task with this`,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: schedulerRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // Any revision of this one family, in this cluster only.
            { Effect: "Allow", Action: "ecs:RunTask", Resource: pulumi.interpolate`${task.taskFamilyArn}:*`, Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: [task.executionRoleArn, task.taskRoleArn], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
          ],
        }),
      },
      parent,
    );
    const scheduleNames: Record<string, pulumi.Output<string>> = {};
    for (const run of shape.runs) {
      const command = run.command ?? runtime.command;
      const overridden = JSON.stringify(command) !== JSON.stringify(runtime.command);
      const schedule = new aws.scheduler.Schedule(
        `${name}-${run.id}`,
        {
          description: run.description,
          scheduleExpression: context.apply((c) => toAwsCron(run.cron(c))),
          scheduleExpressionTimezone: "UTC",
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: args.clusterArn,
            roleArn: schedulerRole.arn,
            ecsParameters: {
              taskDefinitionArn: task.taskDefinitionArn,
              launchType: "FARGATE",
              platformVersion: FARGATE_PLATFORM_VERSION,
              taskCount: 1,
              networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
            },
            ...(overridden && { input: JSON.stringify({ containerOverrides: [{ name: deployment.name, command }] }) }),
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          },
        },
        parent,
      );
      scheduleNames[run.id] = schedule.name;
    }
    if (shape.alerts) this.alarmOnRuns(name, shape.alerts, task.logGroupName, args.alarmTopicArn, parent);

    this.taskDefinitionArn = task.taskDefinitionArn;
    this.scheduleNames = scheduleNames;
    this.runTaskCommand = runTaskCommand(
      { region: args.region, clusterArn: args.clusterArn, subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
      task.family,
      { platformVersion: false },
    );
    this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn, runTaskCommand: this.runTaskCommand });
  }

  /** A failed run (any), and no successful run within the window. */
  private alarmOnRuns(name: string, alerts: RunAlerts, logGroupName: pulumi.Output<string>, topicArn: pulumi.Input<string> | undefined, parent: pulumi.CustomResourceOptions): void {
    const count = (role: string, metric: { metric: string; pattern: string }) =>
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${role}`,
        { logGroupName, pattern: metric.pattern, metricTransformation: { name: metric.metric, namespace: alerts.namespace, value: "1", defaultValue: "0", dimensions: {} } },
        parent,
      );
    const failures = count("failures", alerts.failure);
    const successes = count("successes", alerts.success);
    const actions = topicArn !== undefined ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
    new aws.cloudwatch.MetricAlarm(
      `${name}-failed`,
      {
        alarmDescription: alerts.failure.description,
        namespace: alerts.namespace,
        metricName: alerts.failure.metric,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        ...actions,
      },
      { ...parent, dependsOn: [failures] },
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-stale`,
      {
        alarmDescription: alerts.success.description,
        namespace: alerts.namespace,
        metricName: alerts.success.metric,
        statistic: "Sum",
        period: 3600,
        evaluationPeriods: alerts.success.withinHours,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        ...actions,
      },
      { ...parent, dependsOn: [successes] },
    );
  }
}
