/** aws-encryption-at-rest-and-in-transit: ElastiCache, EFS, EBS, S3 and load balancer listeners. */
import { describe, expect, it } from "vitest";
import { awsEncryption } from "../../../../infra/policy/rules/aws-encryption.js";
import { violations } from "../harness.js";

const replicationGroup = (extra: Record<string, unknown>) => ({
  type: "aws:elasticache/replicationGroup:ReplicationGroup",
  name: "redis-group",
  props: { description: "queues", engine: "redis", engineVersion: "7.1", nodeType: "cache.t4g.small", numCacheClusters: 2, subnetGroupName: "redis-subnets", securityGroupIds: ["sg-0redis"], ...extra },
});

const listener = (extra: Record<string, unknown>) => ({
  type: "aws:lb/listener:Listener",
  name: "alb-https",
  props: { loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/qm/0123", port: 443, ...extra },
});

describe("aws-encryption-at-rest-and-in-transit", () => {
  it("ElastiCache: passes encrypted at rest and in transit (required); refuses each gap", async () => {
    expect(await violations(awsEncryption, replicationGroup({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "required" }))).toEqual([]);
    expect(await violations(awsEncryption, replicationGroup({ atRestEncryptionEnabled: false }))).toEqual([
      "ElastiCache replication group is not encrypted at rest: set atRestEncryptionEnabled: true",
      "ElastiCache replication group does not encrypt in transit: set transitEncryptionEnabled: true (clients connect with rediss://)",
    ]);
    expect(await violations(awsEncryption, replicationGroup({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "preferred" }))).toEqual([
      'ElastiCache replication group accepts unencrypted connections (transitEncryptionMode "preferred"): set it to "required"',
    ]);
  });

  it("ElastiCache: refuses a standalone cache cluster, passes a replication group member", async () => {
    const cluster = (extra: Record<string, unknown>) => ({ type: "aws:elasticache/cluster:Cluster", name: "cache", props: { ...extra } });
    expect(await violations(awsEncryption, cluster({ engine: "redis", nodeType: "cache.t4g.small", numCacheNodes: 1 }))).toEqual([
      "standalone ElastiCache cluster (engine redis) cannot be encrypted at rest: use an aws.elasticache.ReplicationGroup with atRestEncryptionEnabled and transitEncryptionEnabled",
    ]);
    expect(await violations(awsEncryption, cluster({ replicationGroupId: "qm-redis" }))).toEqual([]);
  });

  it("EFS: refuses an unencrypted file system and a task mounting it without TLS", async () => {
    const fileSystem = (encrypted?: boolean) => ({ type: "aws:efs/fileSystem:FileSystem", name: "qdrant-storage", props: { performanceMode: "generalPurpose", throughputMode: "elastic", ...(encrypted === undefined ? {} : { encrypted }) } });
    expect(await violations(awsEncryption, fileSystem(true))).toEqual([]);
    expect(await violations(awsEncryption, fileSystem())).toEqual(["EFS file system is not encrypted at rest: set encrypted: true (this replaces the file system; copy its data first)"]);

    const task = (transitEncryption?: string) => ({
      type: "aws:ecs/taskDefinition:TaskDefinition",
      name: "qdrant-task",
      props: {
        family: "qdrant",
        containerDefinitions: "[]",
        volumes: [{ name: "writable-tmp" }, { name: "efs-storage", efsVolumeConfiguration: { fileSystemId: "fs-0abc", authorizationConfig: { accessPointId: "fsap-0abc", iam: "ENABLED" }, ...(transitEncryption ? { transitEncryption } : {}) } }],
      },
    });
    expect(await violations(awsEncryption, task("ENABLED"))).toEqual([]);
    expect(await violations(awsEncryption, task())).toEqual(['task definition volume "efs-storage" mounts EFS without transit encryption: set efsVolumeConfiguration.transitEncryption: "ENABLED"']);
  });

  it("EBS: instance volumes and standalone volumes are encrypted", async () => {
    const instance = (root: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "aws:ec2/instance:Instance", name: "linux-host", props: { ami: "ami-0abc", instanceType: "t3.medium", rootBlockDevice: root, ...extra } });
    expect(await violations(awsEncryption, instance({ volumeSize: 40, volumeType: "gp3", encrypted: true }))).toEqual([]);
    expect(await violations(awsEncryption, instance({ volumeSize: 40 }, { ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 100 }] }))).toEqual([
      "EC2 instance root volume is not encrypted: set rootBlockDevice.encrypted: true",
      "EC2 instance volume /dev/sdf is not encrypted: set encrypted: true on it",
    ]);
    expect(await violations(awsEncryption, { type: "aws:ebs/volume:Volume", name: "data", props: { availabilityZone: "eu-west-1a", size: 10 } })).toEqual(["EBS volume is not encrypted: set encrypted: true"]);
  });

  it("S3: encryption configurations must set a default algorithm", async () => {
    const sse = (rules: unknown[]) => ({ type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name: "backups-sse", props: { bucket: "qm-backups", rules } });
    expect(await violations(awsEncryption, sse([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }]))).toEqual([]);
    expect(await violations(awsEncryption, sse([{ bucketKeyEnabled: true }]))).toEqual([
      'S3 server-side encryption configuration sets no default encryption: add a rule with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms" or "AES256"',
    ]);
    const bucket = { type: "aws:s3/bucket:Bucket", name: "backups", props: { bucket: "qm-backups", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } } } } };
    expect(await violations(awsEncryption, bucket)).toEqual([]);
  });

  it("listeners: HTTPS with a TLS 1.2+ policy passes; the default policy or no certificate does not", async () => {
    const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/abcd";
    const https = { protocol: "HTTPS", certificateArn, defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "application/json" } }] };
    expect(await violations(awsEncryption, listener({ ...https, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06" }))).toEqual([]);
    expect(await violations(awsEncryption, listener({ ...https, certificateArn: undefined }))).toEqual([
      "HTTPS listener uses the default security policy (ELBSecurityPolicy-2016-08, which allows TLS 1.0): set sslPolicy to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06",
      "HTTPS listener has no certificateArn: give it an ACM certificate",
    ]);
    expect(await violations(awsEncryption, listener({ ...https, sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" }))).toHaveLength(1);
  });

  it("listeners: HTTP only as a redirect to HTTPS, on lb and alb listeners alike", async () => {
    const redirect = { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] };
    expect(await violations(awsEncryption, listener(redirect))).toEqual([]);
    const forward = { port: 80, defaultActions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/kb/0123" }] };
    expect(await violations(awsEncryption, listener(forward))).toEqual([
      'HTTP listener serves traffic unencrypted (default action forward): listen on HTTPS, and keep HTTP only as a redirect (type "redirect", redirect.protocol "HTTPS")',
    ]);
    expect(await violations(awsEncryption, { ...listener(forward), type: "aws:alb/listener:Listener" })).toHaveLength(1);
  });
});
