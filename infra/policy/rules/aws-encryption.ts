/**
 * Encryption at rest and in transit on AWS.
 *
 * Checked per resource:
 * - ElastiCache replication groups: encrypted at rest and in transit, with transit encryption
 *   `required` (the `preferred` mode still accepts plaintext clients). Standalone cache clusters
 *   cannot encrypt at rest, so they are refused: use a replication group.
 * - EFS file systems are encrypted; ECS task definitions mount EFS with transit encryption.
 * - EBS: instance root and attached block devices, and EBS volumes, are encrypted.
 * - S3 server-side encryption configurations set a default algorithm; a bucket's inline
 *   configuration, if any, likewise. (Every S3 bucket is encrypted at rest by default since
 *   January 2023; that each bucket also refuses plain-HTTP requests is a stack-level check: see
 *   s3-buckets-require-tls.)
 * - Load balancer listeners: HTTPS/TLS with a TLS 1.2+ security policy, or HTTP only to redirect
 *   to HTTPS. TCP/UDP listeners pass bytes through and are not judged here.
 * Secrets Manager and CloudWatch Logs encrypt with AWS-managed keys by default.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ReportViolation, type ResourceValidationPolicy } from "@pulumi/policy";
import { isSet, list } from "../lib/known.js";

/** ELB security policies that allow only TLS 1.2 and newer. */
const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-[23]|FS-1-2)(-|$)/;
const SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

const replicationGroup = validateResourceOfType(aws.elasticache.ReplicationGroup, (props, _args, report) => {
  if (props.atRestEncryptionEnabled !== true) report("ElastiCache replication group is not encrypted at rest: set atRestEncryptionEnabled: true");
  if (props.transitEncryptionEnabled !== true) report("ElastiCache replication group does not encrypt in transit: set transitEncryptionEnabled: true (clients connect with rediss://)");
  if (props.transitEncryptionMode === "preferred") report('ElastiCache replication group accepts unencrypted connections (transitEncryptionMode "preferred"): set it to "required"');
});

const cacheCluster = validateResourceOfType(aws.elasticache.Cluster, (props, _args, report) => {
  if (isSet(() => props.replicationGroupId)) return;
  report(`standalone ElastiCache cluster (engine ${props.engine ?? "unset"}) cannot be encrypted at rest: use an aws.elasticache.ReplicationGroup with atRestEncryptionEnabled and transitEncryptionEnabled`);
});

const fileSystem = validateResourceOfType(aws.efs.FileSystem, (props, _args, report) => {
  if (props.encrypted !== true) report("EFS file system is not encrypted at rest: set encrypted: true (this replaces the file system; copy its data first)");
});

const taskDefinition = validateResourceOfType(aws.ecs.TaskDefinition, (props, _args, report) => {
  for (const volume of list(props.volumes)) {
    const efs = volume.efsVolumeConfiguration;
    if (efs !== undefined && efs.transitEncryption !== "ENABLED") {
      report(`task definition volume "${volume.name}" mounts EFS without transit encryption: set efsVolumeConfiguration.transitEncryption: "ENABLED"`);
    }
  }
});

const instance = validateResourceOfType(aws.ec2.Instance, (props, _args, report) => {
  if (props.rootBlockDevice?.encrypted !== true) report("EC2 instance root volume is not encrypted: set rootBlockDevice.encrypted: true");
  for (const device of list(props.ebsBlockDevices)) {
    if (device.encrypted !== true) report(`EC2 instance volume ${device.deviceName} is not encrypted: set encrypted: true on it`);
  }
});

const ebsVolume = validateResourceOfType(aws.ebs.Volume, (props, _args, report) => {
  if (props.encrypted !== true) report("EBS volume is not encrypted: set encrypted: true");
});

function checkSseRules(what: string, algorithms: readonly (string | undefined)[], report: ReportViolation): void {
  if (algorithms.length === 0) {
    report(`${what} sets no default encryption: add a rule with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms" or "AES256"`);
  }
  for (const algorithm of algorithms) {
    if (algorithm === undefined || !SSE_ALGORITHMS.includes(algorithm)) {
      report(`${what} uses sseAlgorithm ${JSON.stringify(algorithm)}: use one of ${SSE_ALGORITHMS.join(", ")}`);
    }
  }
}

const sseConfiguration = validateResourceOfType(aws.s3.BucketServerSideEncryptionConfiguration, (props, _args, report) => {
  const algorithms = list(props.rules).flatMap((rule) => (rule.applyServerSideEncryptionByDefault ? [rule.applyServerSideEncryptionByDefault.sseAlgorithm] : []));
  checkSseRules("S3 server-side encryption configuration", algorithms, report);
});

const sseConfigurationV2 = validateResourceOfType(aws.s3.BucketServerSideEncryptionConfigurationV2, (props, _args, report) => {
  const algorithms = list(props.rules).flatMap((rule) => (rule.applyServerSideEncryptionByDefault ? [rule.applyServerSideEncryptionByDefault.sseAlgorithm] : []));
  checkSseRules("S3 server-side encryption configuration", algorithms, report);
});

const bucket = validateResourceOfType(aws.s3.Bucket, (props, _args, report) => {
  const inline = props.serverSideEncryptionConfiguration;
  if (inline === undefined) return;
  const byDefault = inline.rule.applyServerSideEncryptionByDefault;
  checkSseRules("S3 bucket's inline encryption configuration", byDefault ? [byDefault.sseAlgorithm] : [], report);
});

interface ListenerProps {
  protocol?: string;
  sslPolicy?: string;
  certificateArn?: string;
  defaultActions: readonly { type: string; redirect?: { protocol?: string } }[];
}

function checkListener(props: ListenerProps, report: ReportViolation): void {
  // An application load balancer's listener defaults to HTTP.
  const protocol = (props.protocol ?? "HTTP").toUpperCase();
  if (protocol === "HTTPS" || protocol === "TLS") {
    if (props.sslPolicy === undefined || !MODERN_TLS_POLICY.test(props.sslPolicy)) {
      report(
        `${protocol} listener uses ${props.sslPolicy === undefined ? "the default security policy (ELBSecurityPolicy-2016-08, which allows TLS 1.0)" : `security policy ${props.sslPolicy}`}: ` +
          `set sslPolicy to a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`,
      );
    }
    if (!props.certificateArn) report(`${protocol} listener has no certificateArn: give it an ACM certificate`);
  } else if (protocol === "HTTP") {
    const forwards = props.defaultActions.filter((action) => action.type !== "redirect" || action.redirect?.protocol?.toUpperCase() !== "HTTPS");
    if (forwards.length > 0 || props.defaultActions.length === 0) {
      report(
        `HTTP listener serves traffic unencrypted (default action ${forwards.map((action) => action.type).join(", ") || "none"}): ` +
          `listen on HTTPS, and keep HTTP only as a redirect (type "redirect", redirect.protocol "HTTPS")`,
      );
    }
  }
}

const lbListener = validateResourceOfType(aws.lb.Listener, (props, _args, report) => checkListener(props, report));
const albListener = validateResourceOfType(aws.alb.Listener, (props, _args, report) => checkListener(props, report));

export const awsEncryption: ResourceValidationPolicy = {
  name: "aws-encryption-at-rest-and-in-transit",
  description: "AWS data stores are encrypted at rest, and traffic to them and to the load balancer is encrypted in transit.",
  enforcementLevel: "mandatory",
  validateResource: [replicationGroup, cacheCluster, fileSystem, taskDefinition, instance, ebsVolume, sseConfiguration, sseConfigurationV2, bucket, lbListener, albListener],
};
