/**
 * One ECS task definition on Fargate, the way every task on aws is built: the container hardened
 * as far as Fargate allows (container-definition.ts), its log group with retention, secrets by
 * reference to Secrets Manager versions (never values), and the two roles (task-roles.ts): an
 * execution role that reads exactly this task's secrets and logs, and a task role holding only
 * what the caller grants. The Fargate service, Qdrant and scheduled tasks all use it.
 *
 * Children keep the names (and, by alias, the URNs) they had when each caller built its task
 * itself: `<name>-logs`, `<name>-task`, and roles `<roleName>-execution` / `<roleName>-task`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerHardening } from "../../hardening.js";
import { awsLogs, environmentEntries, fargateHardening, fargateTaskSize } from "./container-definition.js";
import type { StoredSecret } from "./secrets.js";
import { createTaskRoles } from "./task-roles.js";

/** The Fargate platform every task runs on (1.4.0: EFS volumes, pinned secret versions). */
export const FARGATE_PLATFORM_VERSION = "1.4.0";

export interface FargateTaskArgs {
  /** Task definition family, e.g. `qm-prod-kb-mcp`. */
  family: string;
  /** Container name, also the log stream prefix. */
  containerName: string;
  image: pulumi.Input<string>;
  /** Container command; unset: the image's. */
  command?: readonly string[];
  environment: pulumi.Input<Record<string, string>>;
  /** Secret variables, each by reference to a stored secret's current version. */
  secrets: readonly { variable: string; secret: StoredSecret }[];
  hardening: ContainerHardening;
  /** Container ports (TCP). */
  ports?: readonly number[];
  /** Docker-style health probe, e.g. `["CMD", ...]`; unset: none. */
  healthCheck?: readonly string[];
  /** Physical log group name. */
  logGroupName: string;
  logRetentionDays: number;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** The private image repository; unset for public images. */
  repositoryArn?: pulumi.Input<string>;
  /** What the task's own code may do; default nothing. */
  taskPolicyStatements?: pulumi.Input<Record<string, unknown>>[];
  /** Volumes beyond the writable paths (e.g. EFS), and where they are mounted. */
  extraVolumes?: pulumi.Input<aws.types.input.ecs.TaskDefinitionVolume>[];
  extraMountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  /** Prefix of the two roles' names; default `name`. */
  roleName?: string;
  /** URN of the component these resources belonged to before; default the caller (`opts.parent`). */
  formerParent?: pulumi.Input<string>;
}

export class FargateTask extends pulumi.ComponentResource {
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** The family's ARN without a revision. */
  readonly taskFamilyArn: pulumi.Output<string>;
  readonly family: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly logGroupArn: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: FargateTaskArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:FargateTask", name, {}, opts);
    // These resources were once the caller's own children (or `formerParent`'s): the alias keeps their state.
    const formerParent = args.formerParent ?? opts?.parent;
    const parent = { parent: this, ...(formerParent && { aliases: [{ parent: formerParent }] }) };

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays }, parent);
    const { executionRole, taskRole } = createTaskRoles(
      args.roleName ?? name,
      {
        accountId: args.accountId,
        logGroupArn: logGroup.arn,
        secretArns: args.secrets.map((s) => s.secret.arn),
        ...(args.repositoryArn !== undefined && { repositoryArn: args.repositoryArn }),
        ...(args.taskPolicyStatements && { taskPolicyStatements: args.taskPolicyStatements }),
      },
      this,
      formerParent,
    );

    const hardening = fargateHardening(args.hardening);
    const size = fargateTaskSize(args.hardening.cpus, args.hardening.memoryMb);
    const container = {
      name: args.containerName,
      image: args.image,
      ...(args.command && { command: [...args.command] }),
      essential: true,
      ...hardening.container,
      mountPoints: [...(hardening.container.mountPoints ?? []), ...(args.extraMountPoints ?? [])],
      environment: pulumi.output(args.environment).apply((env) => environmentEntries(env)),
      // References only: ECS fetches each value at task start with the execution role.
      secrets: args.secrets.map(({ variable, secret }) => ({ name: variable, valueFrom: secret.valueFrom })),
      portMappings: (args.ports ?? []).map((containerPort) => ({ containerPort, protocol: "tcp" })),
      ...(args.healthCheck && { healthCheck: { command: [...args.healthCheck], interval: 15, timeout: 5, retries: 3, startPeriod: 30 } }),
      logConfiguration: awsLogs(logGroup.name, args.region, args.containerName),
    };
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: args.family,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(size.cpu),
        memory: String(size.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi.jsonStringify([container]),
        volumes: [...hardening.volumes, ...(args.extraVolumes ?? [])],
      },
      parent,
    );

    this.taskDefinitionArn = taskDefinition.arn;
    this.taskFamilyArn = taskDefinition.arnWithoutRevision;
    this.family = taskDefinition.family;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = taskRole.arn;
    this.registerOutputs({ taskDefinitionArn: this.taskDefinitionArn, logGroupName: this.logGroupName });
  }
}

/** Where a one-off task runs: the private subnets and the services' security groups, no public IP. */
export interface TaskNetwork {
  region: pulumi.Input<string>;
  clusterArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
}

/** The `aws ecs run-task` command that runs a task definition (ARN or family) once, now. */
export function runTaskCommand(network: TaskNetwork, taskDefinition: pulumi.Input<string>, options: { platformVersion?: boolean } = {}): pulumi.Output<string> {
  const list = (ids: pulumi.Input<string>[]) => pulumi.output(ids).apply((values) => values.join(","));
  const awsvpc = pulumi.interpolate`awsvpcConfiguration={subnets=[${list(network.subnetIds)}],securityGroups=[${list(network.securityGroupIds)}],assignPublicIp=DISABLED}`;
  const platform = options.platformVersion === false ? "" : ` --platform-version ${FARGATE_PLATFORM_VERSION}`;
  return pulumi.interpolate`aws ecs run-task --region ${network.region} --cluster ${network.clusterArn} --task-definition ${taskDefinition} --launch-type FARGATE${platform} --network-configuration '${awsvpc}'`;
}
