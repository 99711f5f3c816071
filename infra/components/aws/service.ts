/**
 * One container runtime on Fargate (shapes `mcp`, `daemon`, `job`, `queue-worker`): its task
 * definition from the FargateTask component (the shared image with the runtime's command,
 * environment and limits; hardening; secrets by reference; logs; roles), then by shape:
 * - a long-running shape becomes an ECS service with a deployment circuit breaker and rollback,
 *   registered with its target group when it is routed; CPU scaling for stateless services with
 *   `scaling: cpu`, and target tracking on the queue's depth per task for queue workers;
 * - a job stays a task definition, run after each deploy of the services that wait for it
 *   (job-trigger.ts) and by hand with the exact `aws ecs run-task` command in
 *   {@link FargateService.runTaskCommand}.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthcheckCommand } from "../../container-conventions.js";
import { QUEUE_DEPTH_LOG_MESSAGE } from "../../../services/shared/queue-depth-report.js";
import { resolveEnv, httpOf, isLongRunning, QUEUE_DEPTH_METRIC, QUEUE_METRIC_NAMESPACE, scalingOf, type DeployContext } from "../../descriptor.js";
import type { Deployment } from "../../deployments.js";
import { DescriptorError } from "../../errors.js";
import { containerHardening } from "../../hardening.js";
import { FargateTask, FARGATE_PLATFORM_VERSION, runTaskCommand } from "./fargate-task.js";
import { objectStoreStatements, type ObjectStoreGrant } from "./object-store.js";
import type { StoredSecret } from "./secrets.js";

export interface FargateServiceArgs {
  deployment: Deployment;
  /** The values the runtime's `env()` reads (Redis's address is only known once it exists). */
  context: pulumi.Input<DeployContext>;
  /** Stack prefix, e.g. `qm-prod`: task family and log group names start with it. */
  namePrefix: string;
  clusterArn: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  /** The image by digest. */
  image: pulumi.Input<string>;
  repositoryArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  /** Stored secrets by stack secret name; must hold every secret the runtime names. */
  secrets: Readonly<Record<string, StoredSecret>>;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  logRetentionDays: number;
  /** Target group the service registers with (routed HTTP daemons). */
  targetGroupArn?: pulumi.Input<string>;
  /** Task count range of CPU-scaled services (the stack's `mcpMinTasks`/`mcpMaxTasks`). */
  cpuScaling?: { minTasks: number; maxTasks: number };
  /** The object store, for a runtime with `objectStore: true`. */
  objectStore?: ObjectStoreGrant;
}

/** The stored secrets a runtime names, as (variable, secret) pairs; a missing one is an error naming it. */
export function secretRefs(
  service: string,
  secrets: Readonly<Record<string, string | undefined>>,
  stored: Readonly<Record<string, StoredSecret>>,
): { variable: string; secret: StoredSecret }[] {
  const entries = Object.entries(secrets).flatMap(([variable, key]) => (key === undefined ? [] : [[variable, key] as const]));
  const missing = entries.filter(([, key]) => stored[key] === undefined).map(([, key]) => key);
  if (missing.length > 0) throw new DescriptorError("SECRET_NOT_STORED", `${service}: no stored secret for ${missing.join(", ")}`);
  return entries.map(([variable, key]) => ({ variable, secret: stored[key]! }));
}

export class FargateService extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** The task definition family's ARN, without a revision. */
  readonly taskFamilyArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;
  /** The ECS service's name and ARN (long-running shapes). */
  readonly serviceName?: pulumi.Output<string>;
  readonly serviceArn?: pulumi.Output<string>;
  /** The command that runs the job once, now (jobs). */
  readonly runTaskCommand?: pulumi.Output<string>;

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Service", name, {}, opts);
    const parent = { parent: this };
    const { deployment, deployment: { runtime } } = args;
    const http = httpOf(runtime.shape);
    const longRunning = isLongRunning(runtime.shape);
    const queue = runtime.shape.kind === "queue-worker" ? runtime.shape.queue : undefined;

    const task = new FargateTask(
      name,
      {
        family: `${args.namePrefix}-${deployment.name}`,
        containerName: deployment.name,
        image: args.image,
        command: runtime.command,
        environment: pulumi.output(args.context).apply((context) => resolveEnv(runtime, context)),
        secrets: secretRefs(deployment.name, runtime.secrets, args.secrets),
        hardening: containerHardening({ ...runtime.limits, tmpfsPaths: runtime.tmpfsPaths }),
        ...(http && { ports: [http.port] }),
        ...(longRunning && http && { healthCheck: healthcheckCommand(http.port, http.healthPath) }),
        logGroupName: `/quantmind/${args.namePrefix}/${deployment.name}`,
        logRetentionDays: args.logRetentionDays,
        accountId: args.accountId,
        region: args.region,
        repositoryArn: args.repositoryArn,
        taskPolicyStatements: args.objectStore ? objectStoreStatements(args.objectStore) : [],
      },
      parent,
    );
    if (queue !== undefined) {
      // Queue workers log their queue's depth once a minute; this turns those lines into the metric their scaling follows.
      new aws.cloudwatch.LogMetricFilter(
        `${name}-queue-depth`,
        {
          logGroupName: task.logGroupName,
          pattern: `{ $.msg = "${QUEUE_DEPTH_LOG_MESSAGE}" && $.queue = "${queue}" }`,
          metricTransformation: { name: QUEUE_DEPTH_METRIC, namespace: QUEUE_METRIC_NAMESPACE, value: "$.depth", dimensions: { Queue: "$.queue" }, unit: "Count" },
        },
        parent,
      );
    }

    if (longRunning) {
      const signal = scalingOf(runtime);
      const range =
        signal.signal === "queue-depth" ? { minTasks: signal.minTasks, maxTasks: signal.maxTasks } : signal.signal === "cpu" ? args.cpuScaling : undefined;
      const service = new aws.ecs.Service(
        `${name}-service`,
        {
          cluster: args.clusterArn,
          taskDefinition: task.taskDefinitionArn,
          launchType: "FARGATE",
          platformVersion: FARGATE_PLATFORM_VERSION,
          desiredCount: range?.minTasks ?? 1,
          // Stateless services roll with full capacity; a stateful one stops before it starts anew.
          deploymentMinimumHealthyPercent: runtime.stateless ? 100 : 0,
          deploymentMaximumPercent: runtime.stateless ? 200 : 100,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
          ...(args.targetGroupArn !== undefined &&
            http && {
              loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: deployment.name, containerPort: http.port }],
              healthCheckGracePeriodSeconds: 60,
            }),
          propagateTags: "SERVICE",
          enableExecuteCommand: false,
        },
        // The autoscaler owns the task count once it exists; `pulumi up` must not reset it.
        { parent: this, ...(range && { ignoreChanges: ["desiredCount"] }) },
      );
      this.serviceName = service.name;
      this.serviceArn = service.arn;

      if (range) {
        const target = new aws.appautoscaling.Target(
          `${name}-scaling`,
          {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.clusterName}/${service.name}`,
            minCapacity: range.minTasks,
            maxCapacity: range.maxTasks,
          },
          parent,
        );
        const scaled = { policyType: "TargetTrackingScaling", serviceNamespace: target.serviceNamespace, scalableDimension: target.scalableDimension, resourceId: target.resourceId };
        if (signal.signal === "queue-depth") {
          new aws.appautoscaling.Policy(
            `${name}-queue-depth`,
            {
              ...scaled,
              targetTrackingScalingPolicyConfiguration: {
                // Backlog per task: the queue's depth divided by the running tasks, held near the target.
                customizedMetricSpecification: {
                  metrics: [
                    { id: "depth", returnData: false, metricStat: { stat: "Average", metric: { namespace: QUEUE_METRIC_NAMESPACE, metricName: QUEUE_DEPTH_METRIC, dimensions: [{ name: "Queue", value: queue! }] } } },
                    {
                      id: "tasks",
                      returnData: false,
                      metricStat: { stat: "Average", metric: { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: [{ name: "ClusterName", value: args.clusterName }, { name: "ServiceName", value: service.name }] } },
                    },
                    { id: "backlog", label: "queue depth per task", returnData: true, expression: "depth / IF(tasks > 0, tasks, 1)" },
                  ],
                },
                targetValue: signal.backlogPerTask,
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
              },
            },
            parent,
          );
        } else {
          new aws.appautoscaling.Policy(
            `${name}-cpu`,
            {
              ...scaled,
              targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: (signal.signal === "cpu" ? signal.targetPercent : undefined) ?? 60,
                // Out fast, in slowly: a burst of searches should not flap the task count.
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
              },
            },
            parent,
          );
        }
      }
    } else {
      this.runTaskCommand = runTaskCommand(
        { region: args.region, clusterArn: args.clusterArn, subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
        task.taskDefinitionArn,
      );
    }

    this.taskDefinitionArn = task.taskDefinitionArn;
    this.taskFamilyArn = task.taskFamilyArn;
    this.logGroupName = task.logGroupName;
    this.executionRoleArn = task.executionRoleArn;
    this.taskRoleArn = task.taskRoleArn;
    this.registerOutputs({
      taskDefinitionArn: this.taskDefinitionArn,
      logGroupName: this.logGroupName,
      serviceName: this.serviceName,
      runTaskCommand: this.runTaskCommand,
    });
  }
}
