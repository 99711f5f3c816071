/**
 * Qdrant on aws: one Fargate task (FargateTask) of the pinned image with its storage and snapshots on EFS
 * (encrypted at rest, TLS in transit, IAM-authorised access points as uid/gid 1000), the API key
 * from Secrets Manager, reachable only from the services' security group at
 * http://qdrant.<namespace>:6333 through Cloud Map. Never public.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ANY_IPV4 } from "../../ipv4.js";
import { QDRANT, QDRANT_HTTP_PORT } from "../../backends.js";
import { FargateTask, FARGATE_PLATFORM_VERSION } from "./fargate-task.js";
import type { StoredSecret } from "./secrets.js";

/** The unprivileged image's user, which owns the data paths (see backends.ts). */
const QDRANT_UID = 1000;
const NFS_PORT = 2049;

export interface QdrantArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  clusterArn: pulumi.Input<string>;
  /** The only security group allowed in (the services'). */
  clientSecurityGroupId: pulumi.Input<string>;
  namespaceId: pulumi.Input<string>;
  namespaceName: string;
  apiKey: StoredSecret;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  logRetentionDays: number;
  /** Refuse `pulumi destroy` of the file system while set; default true. */
  deletionProtection?: boolean;
}

export class Qdrant extends pulumi.ComponentResource {
  /** `http://qdrant.<namespace>:6333`, inside the VPC only. */
  readonly url: string;
  readonly securityGroupId: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly fileSystemId: pulumi.Output<string>;

  constructor(name: string, args: QdrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Qdrant", name, {}, opts);
    const parent = { parent: this };

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: "Qdrant: the services only" }, parent);
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-from-services`,
      { securityGroupId: sg.id, referencedSecurityGroupId: args.clientSecurityGroupId, ipProtocol: "tcp", fromPort: QDRANT_HTTP_PORT, toPort: QDRANT_HTTP_PORT, description: "Qdrant REST from the services" },
      parent,
    );
    // Out: HTTPS for the image pull, Secrets Manager and logs (through the NAT), NFS to its file system.
    new aws.vpc.SecurityGroupEgressRule(`${name}-https-out`, { securityGroupId: sg.id, cidrIpv4: ANY_IPV4, ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "image pull, secrets, logs" }, parent);

    const fsSg = new aws.ec2.SecurityGroup(`${name}-efs-sg`, { vpcId: args.vpcId, description: "Qdrant's EFS: the Qdrant task only" }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-efs-from-qdrant`, { securityGroupId: fsSg.id, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: NFS_PORT, toPort: NFS_PORT, description: "NFS from Qdrant" }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-nfs-out`, { securityGroupId: sg.id, referencedSecurityGroupId: fsSg.id, ipProtocol: "tcp", fromPort: NFS_PORT, toPort: NFS_PORT, description: "NFS to its file system" }, parent);

    const protect = args.deletionProtection ?? true;
    const fileSystem = new aws.efs.FileSystem(
      `${name}-fs`,
      { encrypted: true, performanceMode: "generalPurpose", throughputMode: "elastic", tags: { Name: `${name}-storage` } },
      { parent: this, protect },
    );
    // EFS's automatic backups stay off: the stack's own AWS Backup plan (backups.ts) copies this file
    // system on the configured schedule and retention; both on would take two daily copies.
    new aws.efs.BackupPolicy(`${name}-backup`, { fileSystemId: fileSystem.id, backupPolicy: { status: "DISABLED" } }, parent);
    const mountTargets = args.subnetIds.map((subnetId, i) => new aws.efs.MountTarget(`${name}-mount-${i}`, { fileSystemId: fileSystem.id, subnetId, securityGroups: [fsSg.id] }, parent));
    const accessPoints = Object.entries(QDRANT.volumes).map(
      ([role, containerPath]) =>
        [
          role,
          containerPath,
          new aws.efs.AccessPoint(
            `${name}-${role}`,
            {
              fileSystemId: fileSystem.id,
              posixUser: { uid: QDRANT_UID, gid: QDRANT_UID },
              rootDirectory: { path: `/${role}`, creationInfo: { ownerUid: QDRANT_UID, ownerGid: QDRANT_UID, permissions: "750" } },
            },
            parent,
          ),
        ] as const,
    );

    // Configured by environment, not the config file the Docker targets mount: the key comes
    // from Secrets Manager as QDRANT__SERVICE__API_KEY, which ECS injects at start.
    const task = new FargateTask(
      name,
      {
        family: name,
        containerName: "qdrant",
        image: QDRANT.image,
        environment: {
          QDRANT__SERVICE__HTTP_PORT: String(QDRANT_HTTP_PORT),
          QDRANT__STORAGE__STORAGE_PATH: QDRANT.volumes["storage"]!,
          QDRANT__STORAGE__SNAPSHOTS_PATH: QDRANT.volumes["snapshots"]!,
          QDRANT__TELEMETRY_DISABLED: "true",
        },
        secrets: [{ variable: "QDRANT__SERVICE__API_KEY", secret: args.apiKey }],
        hardening: QDRANT.hardening,
        ports: [QDRANT_HTTP_PORT],
        healthCheck: QDRANT.healthcheck,
        logGroupName: `/quantmind/${name}`,
        logRetentionDays: args.logRetentionDays,
        accountId: args.accountId,
        region: args.region,
        // Mounting with IAM authorisation: only this task role, only through the access points.
        taskPolicyStatements: [
          {
            Effect: "Allow",
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: fileSystem.arn,
            Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoints.map(([, , ap]) => ap.arn) } },
          },
        ],
        extraMountPoints: accessPoints.map(([role, containerPath]) => ({ sourceVolume: `efs-${role}`, containerPath, readOnly: false })),
        extraVolumes: accessPoints.map(([role, , ap]) => ({
          name: `efs-${role}`,
          efsVolumeConfiguration: { fileSystemId: fileSystem.id, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: ap.id, iam: "ENABLED" } },
        })),
      },
      parent,
    );
    // The file system refuses any client without TLS, and anyone but the Qdrant task role.
    new aws.efs.FileSystemPolicy(
      `${name}-fs-policy`,
      {
        fileSystemId: fileSystem.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "TlsOnly", Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: fileSystem.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            { Sid: "QdrantTask", Effect: "Allow", Principal: { AWS: task.taskRoleArn }, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], Resource: fileSystem.arn },
          ],
        }),
      },
      parent,
    );

    const discovery = new aws.servicediscovery.Service(
      `${name}-discovery`,
      {
        name: "qdrant",
        namespaceId: args.namespaceId,
        dnsConfig: { namespaceId: args.namespaceId, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
        healthCheckCustomConfig: { failureThreshold: 1 },
        forceDestroy: true,
      },
      parent,
    );

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: args.clusterArn,
        taskDefinition: task.taskDefinitionArn,
        launchType: "FARGATE",
        platformVersion: FARGATE_PLATFORM_VERSION,
        desiredCount: 1,
        // One writer: the old task stops before the new one mounts the same storage, so two
        // Qdrant processes never write one collection (a short outage per deploy instead).
        deploymentMinimumHealthyPercent: 0,
        deploymentMaximumPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        networkConfiguration: { subnets: args.subnetIds, securityGroups: [sg.id], assignPublicIp: false },
        serviceRegistries: { registryArn: discovery.arn },
        propagateTags: "SERVICE",
        // Services that need Qdrant are created after it is running and healthy.
        waitForSteadyState: true,
      },
      { parent: this, dependsOn: mountTargets },
    );

    this.url = `http://qdrant.${args.namespaceName}:${QDRANT_HTTP_PORT}`;
    this.securityGroupId = sg.id;
    this.serviceName = service.name;
    this.fileSystemId = fileSystem.id;
    this.registerOutputs({ url: this.url, securityGroupId: this.securityGroupId, serviceName: this.serviceName, fileSystemId: this.fileSystemId });
  }
}
