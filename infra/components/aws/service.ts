/**
 * One catalogue entry on Fargate: the shared image with the entry's command, environment and
 * limits, hardening mapped by container-definition.ts, secrets by reference from Secrets
 * Manager, logs with retention, the catalogue's health check, a deployment circuit breaker with
 * rollback, and CPU target-tracking autoscaling for stateless services.
 *
 * A daemon becomes an ECS service. A job (e.g. kb-indexer) becomes a task definition, run after
 * each deploy of the services that depend on it (job-trigger.ts) and by hand with the exact
 * `aws ecs run-task` command in {@link FargateService.runTaskCommand}.
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
}

export class FargateService extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** The task definition family's ARN, without a revision. */
  readonly taskFamilyArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;
  /** The ECS service's name and ARN (daemons). */
  readonly serviceName?: pulumi.Output<string>;
  readonly serviceArn?: pulumi.Output<string>;
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
          networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
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
      this.serviceArn = service.arn;

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
      const list = (ids: pulumi.Input<string>[]) => pulumi.output(ids).apply((values) => values.join(","));
      const awsvpc = pulumi.interpolate`awsvpcConfiguration={subnets=[${list(args.subnetIds)}],securityGroups=[${list(args.securityGroupIds)}],assignPublicIp=DISABLED}`;
      this.runTaskCommand = pulumi.interpolate`aws ecs run-task --region ${args.region} --cluster ${args.clusterArn} --task-definition ${taskDefinition.arn} --launch-type FARGATE --platform-version 1.4.0 --network-configuration '${awsvpc}'`;
    }

    this.taskDefinitionArn = taskDefinition.arn;
    this.taskFamilyArn = taskDefinition.arnWithoutRevision;
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
}
