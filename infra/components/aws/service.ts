/**
 * One catalogue entry on Fargate: the shared image with the entry's command, environment and
 * limits, hardening mapped by container-definition.ts, secrets by reference from Secrets
 * Manager, logs with retention, the catalogue's health check, a deployment circuit breaker with
 * rollback, and CPU target-tracking autoscaling for stateless services.
 *
 * A daemon becomes an ECS service. A job (e.g. kb-indexer) becomes a task definition that an
 * EventBridge Scheduler schedule runs daily, plus the exact `aws ecs run-task` command an
 * operator runs after a deploy (see {@link FargateService.runTaskCommand}).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthcheckCommand, type ServiceContext, type ServiceDefinition } from "../../catalogue.js";
import { containerHardening } from "../../hardening.js";
import { awsLogs, environmentEntries, fargateHardening, fargateTaskSize } from "./container-definition.js";
import type { StoredSecret } from "./secrets.js";
import { createTaskRoles } from "./task-roles.js";

export interface FargateServiceArgs {
  definition: ServiceDefinition;
  /** The values the entry's `env()` reads (Redis's address is only known once it exists). */
  context: pulumi.Input<ServiceContext>;
  /** Stack prefix, e.g. `qm-prod`: task family and log group names start with it. */
  namePrefix: string;
  clusterArn: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  /** The image by digest. */
  image: pulumi.Input<string>;
  repositoryArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  /** Stored secrets by stack secret name; must hold every secret the entry names. */
  secrets: Readonly<Record<string, StoredSecret>>;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  logRetentionDays: number;
  /** Target group the service registers with (HTTP daemons behind the ALB). */
  targetGroupArn?: pulumi.Input<string>;
  /** Task count range for stateless daemons; they scale on CPU between these. */
  scaling?: { minTasks: number; maxTasks: number; cpuTargetPercent?: number };
  /** When a job runs on its own; default `rate(1 day)`. Jobs are incremental, so a run with nothing new is cheap. */
  jobSchedule?: string;
}

export class FargateService extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;
  /** The ECS service's name (daemons). */
  readonly serviceName?: pulumi.Output<string>;
  /** The command that runs the job once, now (jobs). */
  readonly runTaskCommand?: pulumi.Output<string>;

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Service", name, {}, opts);
    const parent = { parent: this };
    const def = args.definition;

    const missing = Object.values(def.secrets).filter((key) => args.secrets[key] === undefined);
    if (missing.length > 0) throw new Error(`${def.name}: no stored secret for ${missing.join(", ")}`);
    const secretRefs = Object.entries(def.secrets).map(([variable, key]) => ({ variable, secret: args.secrets[key]! }));

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/quantmind/${args.namePrefix}/${def.name}`, retentionInDays: args.logRetentionDays }, parent);
    const { executionRole, taskRole } = createTaskRoles(
      name,
      { accountId: args.accountId, logGroupArn: logGroup.arn, secretArns: secretRefs.map((s) => s.secret.arn), repositoryArn: args.repositoryArn },
      this,
    );

    const hardening = fargateHardening(containerHardening({ ...def.limits, tmpfsPaths: def.tmpfsPaths }));
    const size = fargateTaskSize(def.limits.cpus, def.limits.memoryMb);
    const container = {
      name: def.name,
      image: args.image,
      command: [...def.command],
      essential: true,
      ...hardening.container,
      environment: pulumi.output(args.context).apply((context) => environmentEntries(def.env(context))),
      // References only: ECS fetches each value at task start with the execution role.
      secrets: secretRefs.map(({ variable, secret }) => ({ name: variable, valueFrom: secret.valueFrom })),
      portMappings: def.port !== undefined ? [{ containerPort: def.port, protocol: "tcp" }] : [],
      ...(def.lifecycle === "daemon" && def.port !== undefined && { healthCheck: { command: healthcheckCommand(def.port), interval: 15, timeout: 5, retries: 3, startPeriod: 30 } }),
      logConfiguration: awsLogs(logGroup.name, args.region, def.name),
    };
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: `${args.namePrefix}-${def.name}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(size.cpu),
        memory: String(size.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi.jsonStringify([container]),
        volumes: hardening.volumes,
      },
      parent,
    );
    const network = { subnets: args.subnetIds, securityGroups: args.securityGroupIds };

    if (def.lifecycle === "daemon") {
      const scaling = def.stateless ? args.scaling : undefined;
      const service = new aws.ecs.Service(
        `${name}-service`,
        {
          cluster: args.clusterArn,
          taskDefinition: taskDefinition.arn,
          launchType: "FARGATE",
          platformVersion: "1.4.0",
          desiredCount: scaling?.minTasks ?? 1,
          // Stateless services roll with full capacity; a stateful one stops before it starts anew.
          deploymentMinimumHealthyPercent: def.stateless ? 100 : 0,
          deploymentMaximumPercent: def.stateless ? 200 : 100,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          networkConfiguration: { ...network, assignPublicIp: false },
          ...(args.targetGroupArn !== undefined && {
            loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: def.name, containerPort: def.port! }],
            healthCheckGracePeriodSeconds: 60,
          }),
          propagateTags: "SERVICE",
          enableExecuteCommand: false,
        },
        // The autoscaler owns the task count once it exists; `pulumi up` must not reset it.
        { parent: this, ...(scaling && { ignoreChanges: ["desiredCount"] }) },
      );
      this.serviceName = service.name;

      if (scaling) {
        const target = new aws.appautoscaling.Target(
          `${name}-scaling`,
          {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.clusterName}/${service.name}`,
            minCapacity: scaling.minTasks,
            maxCapacity: scaling.maxTasks,
          },
          parent,
        );
        new aws.appautoscaling.Policy(
          `${name}-cpu`,
          {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
              predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
              targetValue: scaling.cpuTargetPercent ?? 60,
              // Out fast, in slowly: a burst of searches should not flap the task count.
              scaleOutCooldown: 60,
              scaleInCooldown: 300,
            },
          },
          parent,
        );
      }
    } else {
      this.runTaskCommand = pulumi.interpolate`aws ecs run-task --region ${args.region} --cluster ${args.clusterArn} --task-definition ${taskDefinition.arn} --launch-type FARGATE --platform-version 1.4.0 --network-configuration 'awsvpcConfiguration={subnets=[${pulumi.output(args.subnetIds).apply((ids) => ids.join(","))}],securityGroups=[${pulumi.output(args.securityGroupIds).apply((ids) => ids.join(","))}],assignPublicIp=DISABLED}'`;
      this.scheduleJob(name, args, taskDefinition, executionRole, taskRole, network);
    }

    this.taskDefinitionArn = taskDefinition.arn;
    this.logGroupName = logGroup.name;
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = taskRole.arn;
    this.registerOutputs({
      taskDefinitionArn: this.taskDefinitionArn,
      logGroupName: this.logGroupName,
      serviceName: this.serviceName,
      runTaskCommand: this.runTaskCommand,
    });
  }

  /** A schedule that runs the job, with a role that may start exactly this task definition. */
  private scheduleJob(
    name: string,
    args: FargateServiceArgs,
    taskDefinition: aws.ecs.TaskDefinition,
    executionRole: aws.iam.Role,
    taskRole: aws.iam.Role,
    network: { subnets: pulumi.Input<string>[]; securityGroups: pulumi.Input<string>[] },
  ): void {
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-scheduler`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        description: `EventBridge Scheduler runs ${args.definition.name} with this`,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // Any revision of this family (the schedule follows the latest), in this cluster only.
            { Effect: "Allow", Action: "ecs:RunTask", Resource: pulumi.interpolate`${taskDefinition.arnWithoutRevision}:*`, Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: [executionRole.arn, taskRole.arn], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
          ],
        }),
      },
      parent,
    );
    new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        description: `runs ${args.definition.name} (${args.definition.description})`,
        scheduleExpression: args.jobSchedule ?? "rate(1 day)",
        flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 60 },
        target: {
          arn: args.clusterArn,
          roleArn: role.arn,
          ecsParameters: {
            taskDefinitionArn: taskDefinition.arn,
            launchType: "FARGATE",
            platformVersion: "1.4.0",
            taskCount: 1,
            networkConfiguration: { ...network, assignPublicIp: false },
          },
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        },
      },
      parent,
    );
  }
}
