/**
 * Redis on aws: an ElastiCache (Redis OSS 7) replication group in the private subnets, encrypted
 * at rest and in transit, AUTH token from the stack's redisPassword, reachable only from the
 * services' security group, one node per availability zone with automatic failover.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_PORT } from "../../backends.js";

export interface RedisArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  /** The only security group allowed in (the services'). */
  clientSecurityGroupId: pulumi.Input<string>;
  /** e.g. `cache.t4g.small`. */
  nodeType: string;
  /** Nodes (a primary and replicas); default 2. More than one turns on failover and Multi-AZ. */
  nodeCount?: number;
  /** The AUTH token (16-128 printable characters, none of `@ " /`); a secret output. */
  authToken: pulumi.Input<string>;
  /** Days of daily snapshots kept; default 7. */
  snapshotRetentionDays?: number;
  /** Daily snapshot window, UTC `hh:mm-hh:mm`; default `03:00-04:00`. */
  snapshotWindow?: string;
  /** Take a final snapshot and refuse `pulumi destroy` while set; default true. */
  deletionProtection?: boolean;
}

export class Redis extends pulumi.ComponentResource {
  /** `rediss://<primary>:6379`: TLS, no credentials (the password arrives as a secret). */
  readonly url: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly replicationGroupId: pulumi.Output<string>;
  /** The nodes' cache cluster ids (`<group>-001`, ...), for per-node alarms. */
  readonly nodeIds: pulumi.Output<string>[];

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Redis", name, {}, opts);
    const parent = { parent: this };
    const nodeCount = args.nodeCount ?? 2;
    const protect = args.deletionProtection ?? true;

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: "ElastiCache Redis: the services only" }, parent);
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-from-services`,
      { securityGroupId: sg.id, referencedSecurityGroupId: args.clientSecurityGroupId, ipProtocol: "tcp", fromPort: REDIS_PORT, toPort: REDIS_PORT, description: "Redis from the services" },
      parent,
    );
    const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: "private subnets" }, parent);

    const group = new aws.elasticache.ReplicationGroup(
      `${name}-group`,
      {
        description: "quantmind queues, event streams and cache",
        engine: "redis",
        engineVersion: "7.1",
        parameterGroupName: "default.redis7",
        nodeType: args.nodeType,
        numCacheClusters: nodeCount,
        automaticFailoverEnabled: nodeCount > 1,
        multiAzEnabled: nodeCount > 1,
        port: REDIS_PORT,
        subnetGroupName: subnets.name,
        securityGroupIds: [sg.id],
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: pulumi.secret(args.authToken),
        // ROTATE keeps the old token valid alongside the new one until clients have restarted
        // with it, so rotating redisPassword is not an outage.
        authTokenUpdateStrategy: "ROTATE",
        // Apply at `pulumi up`, not in the next maintenance window: a rotated token must work now.
        applyImmediately: true,
        // ElastiCache has no AOF for Redis 7; Multi-AZ replicas and daily snapshots stand in for it.
        snapshotRetentionLimit: args.snapshotRetentionDays ?? 7,
        snapshotWindow: args.snapshotWindow ?? "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
        autoMinorVersionUpgrade: true,
        ...(protect && { finalSnapshotIdentifier: `${name}-final` }),
      },
      { parent: this, protect },
    );

    this.url = pulumi.interpolate`rediss://${group.primaryEndpointAddress}:${REDIS_PORT}`;
    this.securityGroupId = sg.id;
    this.replicationGroupId = group.id;
    // ElastiCache names a non-clustered group's nodes <group id>-001, -002, ...
    this.nodeIds = Array.from({ length: nodeCount }, (_, i) => pulumi.interpolate`${group.id}-${String(i + 1).padStart(3, "0")}`);
    this.registerOutputs({ url: this.url, securityGroupId: this.securityGroupId, replicationGroupId: this.replicationGroupId });
  }
}
