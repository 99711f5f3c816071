/**
 * The `aws` target: the catalogue's aws runtimes by shape, in a private VPC. Container shapes
 * (mcp, daemon, job, queue-worker) on ECS Fargate, MCP ones behind an HTTPS ALB; `scheduled` as
 * EventBridge-scheduled Fargate tasks; `lambda` as a Lambda behind API Gateway. ElastiCache Redis,
 * Qdrant on Fargate with EFS, the backup bucket, secrets in Secrets Manager, logs and alarms in
 * CloudWatch. Stack-level names start with `qm-<environment>`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ANY_IPV4 } from "../ipv4.js";
import { fileURLToPath } from "node:url";
import { SERVICE_CATALOGUE } from "../catalogue.js";
import { backupSettings, embedderSettings } from "../container-conventions.js";
import { resolveEnv, mcpOf, type AnyServiceDescriptor, type DeployContext, type Runtime } from "../descriptor.js";
import { deploymentsFor, type Deployment } from "../deployments.js";
import { DescriptorError, TargetConfigError } from "../errors.js";
import { Alarms } from "../components/aws/alarms.js";
import { Backups } from "../components/aws/backups.js";
import { ImageRepository } from "../components/aws/image-repository.js";
import { JobTrigger } from "../components/aws/job-trigger.js";
import { LoadBalancer, mcpPath, type LoadBalancerRoute } from "../components/aws/load-balancer.js";
import { lambdaArchive, lambdaSecretRefs } from "../components/aws/lambda-archive.js";
import { McpLambda } from "../components/aws/mcp-lambda.js";
import { Network } from "../components/aws/network.js";
import { Qdrant } from "../components/aws/qdrant.js";
import { Redis } from "../components/aws/redis.js";
import { ScheduledTask } from "../components/aws/scheduled-task.js";
import { Secrets } from "../components/aws/secrets.js";
import { FargateService } from "../components/aws/service.js";
import type { AwsStackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";
import type { ServiceSecretKey } from "../../stacks/secrets.js";
import type { DeployedTarget, McpEndpoint } from "./target.js";

/** The repository root: the Docker build context. */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface AwsTargetOptions {
  /** A `lambda` runtime's code by service; default: its descriptor's bundle, built now. Tests pass a tiny archive. */
  lambdaArchive?: (service: string) => pulumi.Input<pulumi.asset.Archive>;
  /** Docker build context; default the repository root. */
  repoRoot?: string;
  /** The services to deploy; default the catalogue. */
  catalogue?: readonly AnyServiceDescriptor[];
}

/** Shapes that run as Fargate services or tasks (the rest are scheduled tasks and Lambdas). */
const FARGATE_SHAPES = new Set(["mcp", "daemon", "job", "queue-worker"]);

export interface AwsDeployedTarget extends DeployedTarget {
  /** One-shot jobs: their task definition and the command that runs one now. */
  jobs: Record<string, { taskDefinitionArn: pulumi.Output<string>; runTaskCommand: pulumi.Output<string> }>;
}

/** The public path prefix of an MCP service: `kb-mcp` -> `kb` (so `/kb/mcp`). */
export function routePrefix(service: string): string {
  return service.replace(/-mcp$/, "");
}

export function createAwsTarget(config: AwsStackConfig, secrets: StackSecrets, options: AwsTargetOptions = {}): AwsDeployedTarget {
  const prefix = `qm-${config.environment}`;
  const deployments = deploymentsFor("aws", options.catalogue ?? SERVICE_CATALOGUE);
  const onFargate = deployments.filter((d) => FARGATE_SHAPES.has(d.runtime.shape.kind));
  const scheduled = deployments.filter((d) => d.runtime.shape.kind === "scheduled");
  const lambdas = deployments.filter((d) => d.runtime.shape.kind === "lambda");
  const accountId = aws.getCallerIdentityOutput().accountId;
  const region = aws.getRegionOutput().region;

  const network = new Network(`${prefix}-network`, { cidrBlock: config.awsVpcCidr, azCount: config.awsAzCount, privateDnsNamespace: `${prefix}.internal` });
  const cluster = new aws.ecs.Cluster(`${prefix}-cluster`, { settings: [{ name: "containerInsights", value: "enabled" }] });
  // Every catalogue task shares one group: Redis, Qdrant and the ALB each admit exactly it.
  const servicesSg = new aws.ec2.SecurityGroup(`${prefix}-services-sg`, { vpcId: network.vpcId, description: "quantmind services (Fargate tasks)" });
  // Out to anywhere: brokers, QuantConnect, ECR, Secrets Manager and logs through the NAT, backends in the VPC.
  new aws.vpc.SecurityGroupEgressRule(`${prefix}-services-out`, { securityGroupId: servicesSg.id, cidrIpv4: ANY_IPV4, ipProtocol: "-1", description: "egress" });

  const image = new ImageRepository(`${prefix}-image`, { context: options.repoRoot ?? REPO_ROOT, forceDelete: !config.deletionProtection });

  // Container runtimes receive their secrets by reference; Lambdas store their own (mcp-lambda.ts).
  const needed = new Set<ServiceSecretKey>(["qdrantApiKey", ...[...onFargate, ...scheduled].flatMap((d) => Object.values(d.runtime.secrets) as ServiceSecretKey[])]);
  const store = new Secrets(`${prefix}-secrets`, {
    namePrefix: `${prefix}/`,
    values: Object.fromEntries([...needed].map((key) => [key, secrets[key]])),
    recoveryWindowInDays: config.deletionProtection ? 30 : 0,
  });

  const redis = new Redis(`${prefix}-redis`, {
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    clientSecurityGroupId: servicesSg.id,
    nodeType: config.redisNodeType,
    nodeCount: config.awsAzCount,
    authToken: secrets.redisPassword,
    snapshotRetentionDays: config.redisSnapshotRetentionDays,
    snapshotWindow: config.redisSnapshotWindow,
    deletionProtection: config.deletionProtection,
  });
  // Tasks need the NAT routes in place to pull images and read secrets, or a first deploy's tasks
  // fail to start and the circuit breaker rolls back to nothing.
  const qdrant = new Qdrant(
    `${prefix}-qdrant`,
    {
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      clusterArn: cluster.arn,
      clientSecurityGroupId: servicesSg.id,
      namespaceId: network.namespaceId,
      namespaceName: network.namespaceName,
      apiKey: store.secrets["qdrantApiKey"]!,
      accountId,
      region,
      logRetentionDays: config.logRetentionDays,
      deletionProtection: config.deletionProtection,
    },
    { dependsOn: [network] },
  );

  // Every container shape with an MCP endpoint gets a path on the ALB.
  const routes: LoadBalancerRoute[] = onFargate.flatMap((d) => {
    const route = albRoute(d);
    return route ? [route] : [];
  });
  const edge = new LoadBalancer(`${prefix}-edge`, {
    vpcId: network.vpcId,
    subnetIds: network.publicSubnetIds,
    allowedCidrs: config.albAllowedCidrs,
    certificateArn: config.certificateArn,
    targetSecurityGroupId: servicesSg.id,
    routes,
    deletionProtection: config.deletionProtection,
  });

  // The backup bucket (the object store of `objectStore` runtimes) and AWS Backup of Qdrant's EFS.
  const backups = new Backups(
    `${prefix}-backup`,
    {
      namePrefix: prefix,
      accountId,
      region,
      qdrantFileSystemArn: pulumi.interpolate`arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${qdrant.fileSystemId}`,
      efsBackup: { schedule: config.qdrantEfsBackupSchedule, retentionDays: config.qdrantEfsBackupRetentionDays },
      noncurrentVersionDays: config.backupBucketNoncurrentDays,
      forceDestroy: !config.deletionProtection,
    },
    { dependsOn: [qdrant] },
  );

  const baseContext: pulumi.Output<DeployContext> = redis.url.apply((redisUrl) => ({
    target: "aws" as const,
    qdrantUrl: qdrant.url,
    redisUrl,
    logLevel: config.logLevel,
    kbCollection: config.kbCollection,
    embedder: embedderSettings(config),
    backup: backupSettings(config),
  }));
  const objectStoreContext = pulumi
    .all([baseContext, backups.bucketName, region])
    .apply(([context, bucket, bucketRegion]) => ({ ...context, objectStore: { bucket, region: bucketRegion, prefix: backups.prefix } }));
  const contextFor = (runtime: Runtime) => (runtime.objectStore ? objectStoreContext : baseContext);
  const grantFor = (runtime: Runtime) => (runtime.objectStore ? { objectStore: { bucketArn: backups.bucketArn, prefix: backups.prefix } } : {});
  const taskPlacement = {
    namePrefix: prefix,
    clusterArn: cluster.arn,
    image: image.imageRef,
    repositoryArn: image.repositoryArn,
    subnetIds: network.privateSubnetIds,
    securityGroupIds: [servicesSg.id],
    secrets: store.secrets,
    accountId,
    region,
    logRetentionDays: config.logRetentionDays,
  };

  const services = new Map<string, FargateService>();
  for (const deployment of onFargate) {
    const routed = edge.targetGroups[deployment.name];
    const backends = deployment.runtime.backends.map((b) => (b === "qdrant" ? qdrant : redis));
    services.set(
      deployment.name,
      new FargateService(
        `${prefix}-${deployment.name}`,
        {
          ...taskPlacement,
          deployment,
          context: contextFor(deployment.runtime),
          clusterName: cluster.name,
          ...(routed && { targetGroupArn: routed.arn }),
          cpuScaling: { minTasks: config.mcpMinTasks, maxTasks: config.mcpMaxTasks },
          ...grantFor(deployment.runtime),
        },
        // The network's NAT routes and the backends first (Qdrant waits for a healthy task); a
        // routed service needs its target group on a listener before ECS will attach to it.
        { dependsOn: [network, ...backends, ...(routed ? [edge] : [])] },
      ),
    );
  }

  // Each job runs after every rollout of the services that list it in `after`.
  for (const job of onFargate.filter((d) => d.runtime.shape.kind === "job")) {
    const service = services.get(job.name)!;
    const dependants = Object.fromEntries(
      onFargate.flatMap((d) => {
        const arn = d.runtime.after?.includes(job.name) ? services.get(d.name)?.serviceArn : undefined;
        return arn ? [[d.name, arn] as const] : [];
      }),
    );
    if (Object.keys(dependants).length === 0) continue;
    new JobTrigger(`${prefix}-${job.name}-trigger`, {
      job: job.name,
      clusterArn: cluster.arn,
      taskDefinitionArn: service.taskDefinitionArn,
      taskFamilyArn: service.taskFamilyArn,
      executionRoleArn: service.executionRoleArn,
      taskRoleArn: service.taskRoleArn,
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [servicesSg.id],
      accountId,
      after: dependants,
    });
  }

  const ecsServices = Object.fromEntries(
    [...services].flatMap(([name, service]) => (service.serviceName ? [[name, service.serviceName] as const] : [])),
  );
  const alarms = new Alarms(`${prefix}-alarms`, {
    ...(config.alarmEmail !== undefined && { email: config.alarmEmail }),
    loadBalancerArnSuffix: edge.arnSuffix,
    targetGroups: edge.targetGroups,
    ecsServices: { ...ecsServices, qdrant: qdrant.serviceName },
    clusterName: cluster.name,
    redisNodeIds: redis.nodeIds,
  });

  const scheduledTasks = new Map<string, ScheduledTask>();
  for (const deployment of scheduled) {
    const backends = deployment.runtime.backends.map((b) => (b === "qdrant" ? qdrant : redis));
    scheduledTasks.set(
      deployment.name,
      new ScheduledTask(
        `${prefix}-${deployment.name}`,
        {
          ...taskPlacement,
          deployment,
          context: contextFor(deployment.runtime),
          ...grantFor(deployment.runtime),
          alarmTopicArn: alarms.topicArn,
          ...(deployment.runtime.awsFormerParent && { formerParent: formerParentUrn(prefix, deployment.runtime.awsFormerParent) }),
        },
        { dependsOn: [network, ...backends] },
      ),
    );
  }

  const functions = lambdas.map((deployment) => {
    const shape = deployment.runtime.shape;
    if (shape.kind !== "lambda") throw new DescriptorError("DESCRIPTOR_INVALID", `${deployment.name} is not a lambda runtime`);
    const fn = new McpLambda(`${prefix}-${deployment.name}`, {
      description: deployment.description,
      code: options.lambdaArchive?.(deployment.name) ?? lambdaArchive(shape.bundle),
      handler: shape.handler,
      memoryMb: shape.memoryMb,
      timeoutSeconds: shape.timeoutSeconds,
      secretRefs: lambdaSecretRefs(shape.secretRefs, secrets),
      apiKey: secrets[shape.mcp.apiKeySecret],
      secretNamePrefix: `${prefix}/`,
      recoveryWindowInDays: config.deletionProtection ? 30 : 0,
      logRetentionDays: config.logRetentionDays,
      environment: contextFor(deployment.runtime).apply((context) => resolveEnv(deployment.runtime, context)),
      alarmTopicArn: alarms.topicArn,
    });
    return { deployment, mcp: shape.mcp, fn };
  });

  const host = config.albDomainName !== undefined ? pulumi.output(config.albDomainName) : certificateHost(prefix, config.certificateArn);
  const endpoints: Record<string, pulumi.Input<string>> = {};
  const mcpEndpoints: McpEndpoint[] = [];
  for (const route of routes) {
    const mcp = mcpOf(onFargate.find((d) => d.name === route.service)!.runtime.shape)!;
    const url = pulumi.interpolate`https://${host}${mcpPath(route.prefix)}`;
    endpoints[route.service] = url;
    mcpEndpoints.push({ service: route.service, clientName: mcp.clientName, url, apiKey: secrets[mcp.apiKeySecret] });
  }
  for (const { deployment, mcp, fn } of functions) {
    endpoints[deployment.name] = fn.url;
    mcpEndpoints.push({ service: deployment.name, clientName: mcp.clientName, url: fn.url, apiKey: secrets[mcp.apiKeySecret] });
  }
  endpoints["alb"] = edge.dnsName;
  endpoints["qdrant"] = qdrant.url;
  endpoints["redis"] = redis.url;
  endpoints["imageRepository"] = image.repositoryUrl;
  endpoints["backupBucket"] = backups.bucketName;

  const jobs: AwsDeployedTarget["jobs"] = {};
  for (const [name, service] of services) {
    if (service.runTaskCommand) jobs[name] = { taskDefinitionArn: service.taskDefinitionArn, runTaskCommand: service.runTaskCommand };
  }
  for (const [name, task] of scheduledTasks) jobs[name] = { taskDefinitionArn: task.taskDefinitionArn, runTaskCommand: task.runTaskCommand };
  const accessNotes = pulumi
    .all([host, edge.dnsName, ...Object.entries(jobs).map(([name, job]) => job.runTaskCommand.apply((command) => `  ${name}: ${command}`))])
    .apply(([hostName, albName, ...jobLines]) =>
      [
        `Point ${hostName} at ${albName} (CNAME, or a Route 53 alias record): the certificate covers that name, not the ALB's own.`,
        "Qdrant and Redis are reachable only from the services inside the VPC.",
        ...(jobLines.length > 0 ? ["Jobs run after each rollout of the services that need them; to run one now:", ...jobLines] : []),
      ].join("\n"),
    );

  return { endpoints, mcpEndpoints, accessNotes, jobs };
}

/** The ALB route of a container runtime that serves MCP over HTTP, if it does. */
function albRoute(deployment: Deployment): LoadBalancerRoute | undefined {
  const shape = deployment.runtime.shape;
  const http = shape.kind === "mcp" ? { port: shape.port, healthPath: shape.healthPath } : shape.kind === "daemon" && shape.http?.mcp ? shape.http : undefined;
  if (!http) return undefined;
  return { service: deployment.name, prefix: routePrefix(deployment.name), port: http.port, ...(http.healthPath !== undefined && { healthPath: http.healthPath }) };
}

/** The host name the stack's certificate was issued for (read from ACM). */
function certificateHost(prefix: string, certificateArn: string): pulumi.Output<string> {
  const certificate = aws.acm.Certificate.get(`${prefix}-certificate`, certificateArn);
  return certificate.domainName.apply((domain) => {
    if (domain.startsWith("*.")) {
      throw new TargetConfigError(
        `certificate ${certificateArn} is a wildcard (${domain}); choose the name clients use: pulumi config set quantmind:albDomainName mcp.${domain.slice(2)}`,
      );
    }
    return domain;
  });
}

/** The URN of a top-level component of this stack, as `awsFormerParent` names it. */
function formerParentUrn(prefix: string, former: { type: string; name: string }): pulumi.Output<string> {
  return pulumi.createUrn(`${prefix}-${former.name}`, former.type);
}
