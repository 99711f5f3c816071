/**
 * The stack's backup storage on aws:
 * - the object store: an S3 bucket that is versioned, encrypted, TLS-only, private, with
 *   lifecycle rules. Runtimes with `objectStore: true` write there under {@link BACKUP_S3_PREFIX}
 *   (the backup service's scheduled Qdrant snapshots: scheduled-task.ts runs them);
 * - AWS Backup copies of Qdrant's EFS file system (`qdrantEfsBackup*`).
 * Redis: ElastiCache has no BGSAVE and no file system to copy from; its own daily snapshots
 * (retention and window on the Redis component) are the Redis backups on this target.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toAwsCron } from "./aws-cron.js";

export interface BackupsArgs {
  /** Stack prefix, e.g. `qm-prod`. */
  namePrefix: string;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Qdrant's EFS file system, for the AWS Backup plan. */
  qdrantFileSystemArn: pulumi.Input<string>;
  /** 5-field cron (UTC) and retention of the EFS backups. */
  efsBackup: { schedule: string; retentionDays: number };
  /** Days superseded object versions stay in the bucket. */
  noncurrentVersionDays: number;
  /** Let `pulumi destroy` empty and delete the bucket and the vault (no deletion protection). */
  forceDestroy: boolean;
}

/** Key prefix of backups in the bucket. */
export const BACKUP_S3_PREFIX = "quantmind/";

export class Backups extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Key prefix objects go under. */
  readonly prefix = BACKUP_S3_PREFIX;
  readonly backupPlanId: pulumi.Output<string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Backups", name, {}, opts);
    const parent = { parent: this };

    // ---- the bucket ----
    // Bucket names are global: the account and region make this one unique and predictable.
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: pulumi.interpolate`${args.namePrefix}-backups-${args.accountId}-${args.region}`, forceDestroy: args.forceDestroy },
      parent,
    );
    new aws.s3.BucketPublicAccessBlock(`${name}-bucket-private`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, parent);
    new aws.s3.BucketOwnershipControls(`${name}-bucket-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketVersioning(`${name}-bucket-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-bucket-sse`,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-bucket-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            // Retention deletes current versions; the versions it leaves behind go after this many days.
            id: "expire-superseded-versions",
            status: "Enabled",
            filter: { prefix: BACKUP_S3_PREFIX },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 2 },
          },
          { id: "remove-expired-delete-markers", status: "Enabled", filter: { prefix: BACKUP_S3_PREFIX }, expiration: { expiredObjectDeleteMarker: true } },
        ],
      },
      parent,
    );
    new aws.s3.BucketPolicy(
      `${name}-bucket-tls`,
      {
        bucket: bucket.bucket,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      parent,
    );

    // ---- AWS Backup of Qdrant's EFS ----
    const vault = new aws.backup.Vault(`${name}-vault`, { name: `${args.namePrefix}-backups`, forceDestroy: args.forceDestroy }, parent);
    const plan = new aws.backup.Plan(
      `${name}-efs-plan`,
      {
        name: `${args.namePrefix}-qdrant-efs`,
        rules: [
          {
            ruleName: "qdrant-efs",
            targetVaultName: vault.name,
            schedule: toAwsCron(args.efsBackup.schedule),
            scheduleExpressionTimezone: "Etc/UTC",
            startWindow: 60,
            completionWindow: 360,
            lifecycle: { deleteAfter: args.efsBackup.retentionDays },
          },
        ],
      },
      parent,
    );
    const backupRole = new aws.iam.Role(
      `${name}-aws-backup`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        description: "AWS Backup copies and restores Qdrant's EFS with this",
      },
      parent,
    );
    for (const [role, policy] of [
      ["backup", "AWSBackupServiceRolePolicyForBackup"],
      ["restore", "AWSBackupServiceRolePolicyForRestores"],
    ] as const) {
      new aws.iam.RolePolicyAttachment(`${name}-aws-backup-${role}`, { role: backupRole.name, policyArn: `arn:aws:iam::aws:policy/service-role/${policy}` }, parent);
    }
    new aws.backup.Selection(`${name}-efs-selection`, { name: `${args.namePrefix}-qdrant-efs`, planId: plan.id, iamRoleArn: backupRole.arn, resources: [args.qdrantFileSystemArn] }, parent);

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.backupPlanId = plan.id;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, backupPlanId: this.backupPlanId });
  }
}
