/**
 * The `aws` target: the catalogue on ECS Fargate in a private VPC behind an HTTPS ALB,
 * ElastiCache Redis, Qdrant on Fargate with EFS, the QuantConnect MCP server on Lambda behind
 * API Gateway, secrets in Secrets Manager, logs and alarms in CloudWatch. Stack-level names
 * start with `qm-<environment>`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import { backupSettings, LAMBDA_SERVICES, SCHEDULED_TASK_SERVICES, SERVICE_CATALOGUE, type ServiceContext, type ServiceDefinition } from "../catalogue.js";
import { Alarms } from "../components/aws/alarms.js";
import { Backups } from "../components/aws/backups.js";
import { ImageRepository } from "../components/aws/image-repository.js";
import { JobTrigger } from "../components/aws/job-trigger.js";
import { LoadBalancer, mcpPath, type LoadBalancerRoute } from "../components/aws/load-balancer.js";
import { Network } from "../components/aws/network.js";
import { QcLambda } from "../components/aws/qc-lambda.js";
import { Qdrant } from "../components/aws/qdrant.js";
import { Redis } from "../components/aws/redis.js";
import { Secrets } from "../components/aws/secrets.js";
import { FargateService } from "../components/aws/service.js";
import type { AwsStackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";
import type { ServiceSecretKey } from "../../stacks/secrets.js";
import type { DeployedTarget, McpEndpoint } from "./target.js";

/** The repository root: the Docker build context. */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));


export interface AwsTargetOptions {
  /** The QuantConnect MCP Lambda's code; default: bundled now by scripts/build-qc-lambda.ts. Tests pass a tiny archive. */
  qcLambdaArchive?: pulumi.Input<pulumi.asset.Archive>;
  /** Docker build context; default the repository root. */
  repoRoot?: string;
  /** The services to deploy; default the catalogue. */
  catalogue?: readonly ServiceDefinition[];
}

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
  const catalogue = (options.catalogue ?? SERVICE_CATALOGUE).filter((d) => !LAMBDA_SERVICES.has(d.name) && !SCHEDULED_TASK_SERVICES.has(d.name));
  const backupEntry = (options.catalogue ?? SERVICE_CATALOGUE).find((d) => d.name === "backup");
  const accountId = aws.getCallerIdentityOutput().accountId;
  const region = aws.getRegionOutput().region;

  const network = new Network(`${prefix}-network`, { cidrBlock: config.awsVpcCidr, azCount: config.awsAzCount, privateDnsNamespace: `${prefix}.internal` });
  const cluster = new aws.ecs.Cluster(`${prefix}-cluster`, { settings: [{ name: "containerInsights", value: "enabled" }] });
  // Every catalogue task shares one group: Redis, Qdrant and the ALB each admit exactly it.
  const servicesSg = new aws.ec2.SecurityGroup(`${prefix}-services-sg`, { vpcId: network.vpcId, description: "quantmind services (Fargate tasks)" });
  // Out to anywhere: brokers, QuantConnect, ECR, Secrets Manager and logs through the NAT, backends in the VPC.
  new aws.vpc.SecurityGroupEgressRule(`${prefix}-services-out`, { securityGroupId: servicesSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "egress" });

  const image = new ImageRepository(`${prefix}-image`, { context: options.repoRoot ?? REPO_ROOT, forceDelete: !config.deletionProtection });

  const needed = new Set<ServiceSecretKey>(["qdrantApiKey", ...catalogue.flatMap((d) => Object.values(d.secrets))]);
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

  const routes: LoadBalancerRoute[] = catalogue
    .filter((d) => d.lifecycle === "daemon" && d.mcp !== undefined && d.port !== undefined)
    .map((d) => ({ service: d.name, prefix: routePrefix(d.name), port: d.port! }));
  const edge = new LoadBalancer(`${prefix}-edge`, {
    vpcId: network.vpcId,
    subnetIds: network.publicSubnetIds,
    allowedCidrs: config.albAllowedCidrs,
    certificateArn: config.certificateArn,
    targetSecurityGroupId: servicesSg.id,
    routes,
    deletionProtection: config.deletionProtection,
  });

  const context: pulumi.Output<ServiceContext> = redis.url.apply((redisUrl) => ({
    qdrantUrl: qdrant.url,
    redisUrl,
    logLevel: config.logLevel,
    kbCollection: config.kbCollection,
    backup: backupSettings(config),
  }));
  const services = new Map<string, FargateService>();
  for (const definition of catalogue) {
    const routed = edge.targetGroups[definition.name];
    const backends = definition.backends.map((b) => (b === "qdrant" ? qdrant : redis));
    services.set(
      definition.name,
      new FargateService(
        `${prefix}-${definition.name}`,
        {
          definition,
          context,
          namePrefix: prefix,
          clusterArn: cluster.arn,
          clusterName: cluster.name,
          image: image.imageRef,
          repositoryArn: image.repositoryArn,
          subnetIds: network.privateSubnetIds,
          securityGroupIds: [servicesSg.id],
          secrets: store.secrets,
          accountId,
          region,
          logRetentionDays: config.logRetentionDays,
          ...(routed && { targetGroupArn: routed.arn }),
          ...(definition.stateless && { scaling: { minTasks: config.mcpMinTasks, maxTasks: config.mcpMaxTasks } }),
        },
        // The network's NAT routes and the backends first (Qdrant waits for a healthy task); a
        // routed service needs its target group on a listener before ECS will attach to it.
        { dependsOn: [network, ...backends, ...(routed ? [edge] : [])] },
      ),
    );
  }

  // Each job runs after every rollout of the services that list it in `after`.
  for (const job of catalogue.filter((d) => d.lifecycle === "job")) {
    const service = services.get(job.name)!;
    const dependants = Object.fromEntries(
      catalogue.flatMap((d) => {
        const arn = d.after.includes(job.name) ? services.get(d.name)?.serviceArn : undefined;
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

  const daemonServices = Object.fromEntries(
    [...services].flatMap(([name, service]) => (service.serviceName ? [[name, service.serviceName] as const] : [])),
  );
  const alarms = new Alarms(`${prefix}-alarms`, {
    ...(config.alarmEmail !== undefined && { email: config.alarmEmail }),
    loadBalancerArnSuffix: edge.arnSuffix,
    targetGroups: edge.targetGroups,
    ecsServices: { ...daemonServices, qdrant: qdrant.serviceName },
    clusterName: cluster.name,
    redisNodeIds: redis.nodeIds,
  });

  // Qdrant snapshots to S3 on a schedule, AWS Backup of its EFS; Redis is ElastiCache's snapshots.
  const backups = backupEntry
    ? new Backups(
        `${prefix}-backup`,
        {
          definition: backupEntry,
          context,
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
          qdrantFileSystemArn: pulumi.interpolate`arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${qdrant.fileSystemId}`,
          qdrantSchedule: config.backupQdrantSchedule,
          efsBackup: { schedule: config.qdrantEfsBackupSchedule, retentionDays: config.qdrantEfsBackupRetentionDays },
          noncurrentVersionDays: config.backupBucketNoncurrentDays,
          forceDestroy: !config.deletionProtection,
          alarmTopicArn: alarms.topicArn,
        },
        { dependsOn: [network, qdrant] },
      )
    : undefined;

  const qcEntry = (options.catalogue ?? SERVICE_CATALOGUE).find((d) => d.name === "qc-mcp");
  const qc = new QcLambda(`${prefix}-qc-mcp`, {
    code: options.qcLambdaArchive ?? bundledQcLambdaArchive(),
    credentials: { userId: secrets.qcUserId, apiToken: secrets.qcApiToken },
    apiKey: secrets.qcMcpApiKey,
    secretNamePrefix: `${prefix}/`,
    recoveryWindowInDays: config.deletionProtection ? 30 : 0,
    logRetentionDays: config.logRetentionDays,
    logLevel: config.logLevel,
    alarmTopicArn: alarms.topicArn,
  });

  const host = config.albDomainName !== undefined ? pulumi.output(config.albDomainName) : certificateHost(prefix, config.certificateArn);
  const endpoints: Record<string, pulumi.Input<string>> = {};
  const mcpEndpoints: McpEndpoint[] = [];
  for (const route of routes) {
    const definition = catalogue.find((d) => d.name === route.service)!;
    const url = pulumi.interpolate`https://${host}${mcpPath(route.prefix)}`;
    endpoints[route.service] = url;
    mcpEndpoints.push({ service: route.service, clientName: definition.mcp!.clientName, url, apiKey: secrets[definition.mcp!.apiKeySecret] });
  }
  endpoints["qc-mcp"] = qc.url;
  mcpEndpoints.push({ service: "qc-mcp", clientName: qcEntry?.mcp?.clientName ?? "quantmind-qc", url: qc.url, apiKey: secrets.qcMcpApiKey });
  endpoints["alb"] = edge.dnsName;
  endpoints["qdrant"] = qdrant.url;
  endpoints["redis"] = redis.url;
  endpoints["imageRepository"] = image.repositoryUrl;
  if (backups) endpoints["backupBucket"] = backups.bucketName;

  const jobs: AwsDeployedTarget["jobs"] = {};
  for (const [name, service] of services) {
    if (service.runTaskCommand) jobs[name] = { taskDefinitionArn: service.taskDefinitionArn, runTaskCommand: service.runTaskCommand };
  }
  if (backups) jobs["backup"] = { taskDefinitionArn: backups.taskDefinitionArn, runTaskCommand: backups.runTaskCommand };
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

/** The host name the stack's certificate was issued for (read from ACM). */
function certificateHost(prefix: string, certificateArn: string): pulumi.Output<string> {
  const certificate = aws.acm.Certificate.get(`${prefix}-certificate`, certificateArn);
  return certificate.domainName.apply((domain) => {
    if (domain.startsWith("*.")) {
      throw new Error(
        `certificate ${certificateArn} is a wildcard (${domain}); choose the name clients use: pulumi config set quantmind:albDomainName mcp.${domain.slice(2)}`,
      );
    }
    return domain;
  });
}

/**
 * The QuantConnect MCP Lambda bundle (`index.js`, handler `index.handler`), built by
 * scripts/build-qc-lambda.ts when the program runs: esbuild takes about a second, and the
 * archive then always matches the checked-out code. Imported lazily, so esbuild loads only
 * when a stack needs the bundle.
 */
function bundledQcLambdaArchive(): pulumi.Output<pulumi.asset.Archive> {
  return pulumi.output(
    import("../../scripts/build-qc-lambda.js").then(async ({ bundleQcLambda, DEFAULT_OUT_DIR }) => {
      const { file } = await bundleQcLambda(DEFAULT_OUT_DIR);
      return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(file) }) as pulumi.asset.Archive;
    }),
  );
}
