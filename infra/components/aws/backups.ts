/**
 * Backups on aws:
 * - Qdrant: the catalogue's `backup` entry as an ECS task that EventBridge Scheduler starts on the
 *   stack's `backupQdrantSchedule`; it snapshots every collection through Qdrant's REST API and
 *   writes to an S3 bucket that is versioned, encrypted, TLS-only, private, with lifecycle rules.
 *   AWS Backup also copies Qdrant's EFS file system daily (`qdrantEfsBackup*`).
 * - Redis: ElastiCache has no BGSAVE and no file system to copy from; its own daily snapshots
 *   (retention and window on the Redis component) are the Redis backups on this target.
 * A failed run logs an error line; a metric filter counts those and an alarm fires on any, and a
 * second alarm fires when no run has succeeded for two schedule periods... or a day at most.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceContext, ServiceDefinition } from "../../catalogue.js";
import { containerHardening } from "../../hardening.js";
import { toAwsCron } from "./aws-cron.js";
import { awsLogs, environmentEntries, fargateHardening, fargateTaskSize } from "./container-definition.js";
import type { StoredSecret } from "./secrets.js";
import { createTaskRoles } from "./task-roles.js";

export interface BackupsArgs {
  /** The catalogue's `backup` entry. */
  definition: ServiceDefinition;
  context: pulumi.Input<ServiceContext>;
  /** Stack prefix, e.g. `qm-prod`. */
  namePrefix: string;
  clusterArn: pulumi.Input<string>;
  image: pulumi.Input<string>;
  repositoryArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  secrets: Readonly<Record<string, StoredSecret>>;
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  logRetentionDays: number;
  /** Qdrant's EFS file system, for the AWS Backup plan. */
  qdrantFileSystemArn: pulumi.Input<string>;
  /** 5-field cron (UTC) of the Qdrant snapshot task. */
  qdrantSchedule: string;
  /** 5-field cron (UTC) and retention of the EFS backups. */
  efsBackup: { schedule: string; retentionDays: number };
  /** Days superseded object versions stay in the bucket. */
  noncurrentVersionDays: number;
  /** Let `pulumi destroy` empty and delete the bucket and the vault (no deletion protection). */
  forceDestroy: boolean;
  /** SNS topic the failure alarms notify. */
  alarmTopicArn?: pulumi.Input<string>;
}

/** Key prefix of backups in the bucket. */
export const BACKUP_S3_PREFIX = "quantmind/";

export class Backups extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** EventBridge Scheduler schedule names by store. */
  readonly scheduleNames: Readonly<Record<string, pulumi.Output<string>>>;
  readonly backupPlanId: pulumi.Output<string>;
  /** The command that runs a Qdrant backup now. */
  readonly runTaskCommand: pulumi.Output<string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Backups", name, {}, opts);
    const parent = { parent: this };
    const def = args.definition;

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

    // ---- the Qdrant snapshot task ----
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/quantmind/${args.namePrefix}-backup`, retentionInDays: args.logRetentionDays }, parent);
    const secretEntries = Object.entries(def.secrets).filter(([variable]) => variable !== "REDIS_PASSWORD");
    const { executionRole, taskRole } = createTaskRoles(
      `${name}-task`,
      {
        accountId: args.accountId,
        logGroupArn: logGroup.arn,
        secretArns: secretEntries.map(([, key]) => args.secrets[key]!.arn),
        repositoryArn: args.repositoryArn,
        taskPolicyStatements: [
          { Effect: "Allow", Action: "s3:ListBucket", Resource: bucket.arn },
          { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: pulumi.interpolate`${bucket.arn}/${BACKUP_S3_PREFIX}*` },
        ],
      },
      this,
    );
    const hardening = fargateHardening(containerHardening({ ...def.limits, tmpfsPaths: def.tmpfsPaths }));
    const size = fargateTaskSize(def.limits.cpus, def.limits.memoryMb);
    const environment = pulumi.output(args.context).apply((context) => {
      const env: Record<string, string> = { ...def.env(context) };
      // Only Qdrant here (ElastiCache snapshots itself); S3 instead of the Docker volume.
      for (const variable of ["REDIS_URL", "REDIS_RDB_PATH", "BACKUP_DIR", "BACKUP_WORK_DIR", "BACKUP_METRICS_FILE", "BACKUP_SCHEDULE_REDIS"]) delete env[variable];
      return env;
    });
    const valueFroms = pulumi.all(secretEntries.map(([, key]) => args.secrets[key]!.valueFrom));
    const containerDefinitions = pulumi
      .all([environment, args.image, logGroup.name, args.region, bucket.bucket, valueFroms])
      .apply(([env, image, logGroupName, region, bucketName, secretRefs]) =>
        JSON.stringify([
          {
            name: def.name,
            image,
            essential: true,
            command: ["backup", "run", "qdrant"],
            environment: environmentEntries({ ...env, BACKUP_STORAGE: "s3", BACKUP_S3_BUCKET: bucketName, BACKUP_S3_PREFIX, BACKUP_S3_REGION: region, BACKUP_S3_SSE: "AES256" }),
            secrets: secretEntries.map(([variable], i) => ({ name: variable, valueFrom: secretRefs[i] })),
            ...hardening.container,
            logConfiguration: awsLogs(logGroupName, region, def.name),
          },
        ]),
      );
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: `${args.namePrefix}-backup`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(size.cpu),
        memory: String(size.memory),
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        containerDefinitions,
        volumes: hardening.volumes,
      },
      parent,
    );

    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        description: "EventBridge Scheduler starts the backup task with this",
      },
      parent,
    );
    const familyArn = pulumi.interpolate`arn:aws:ecs:${args.region}:${args.accountId}:task-definition/${taskDefinition.family}`;
    new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: schedulerRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "ecs:RunTask", Resource: pulumi.interpolate`${familyArn}:*`, Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: [executionRole.arn, taskRole.arn], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
          ],
        }),
      },
      parent,
    );
    const schedule = new aws.scheduler.Schedule(
      `${name}-qdrant`,
      {
        description: "Qdrant snapshots to S3 (quantmind backup run qdrant)",
        scheduleExpression: toAwsCron(args.qdrantSchedule),
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: args.clusterArn,
          roleArn: schedulerRole.arn,
          ecsParameters: {
            taskDefinitionArn: taskDefinition.arn,
            launchType: "FARGATE",
            platformVersion: "1.4.0",
            taskCount: 1,
            networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
          },
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        },
      },
      parent,
    );

    // ---- alerts: any failed run, and no successful run in a day ----
    const failures = new aws.cloudwatch.LogMetricFilter(
      `${name}-failures`,
      {
        logGroupName: logGroup.name,
        pattern: '{ $.level >= 50 && $.msg = "backup of * failed" }',
        metricTransformation: { name: "BackupFailures", namespace: "QuantMind/Backups", value: "1", defaultValue: "0", dimensions: {} },
      },
      parent,
    );
    const successes = new aws.cloudwatch.LogMetricFilter(
      `${name}-successes`,
      {
        logGroupName: logGroup.name,
        pattern: '{ $.msg = "backup of * complete" }',
        metricTransformation: { name: "BackupSuccesses", namespace: "QuantMind/Backups", value: "1", defaultValue: "0", dimensions: {} },
      },
      parent,
    );
    const actions = args.alarmTopicArn !== undefined ? { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] } : {};
    new aws.cloudwatch.MetricAlarm(
      `${name}-failed`,
      {
        alarmDescription: "A Qdrant backup run failed: see the /quantmind/*-backup log group; run it again with the run-task command in the stack outputs",
        namespace: "QuantMind/Backups",
        metricName: "BackupFailures",
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        ...actions,
      },
      { parent: this, dependsOn: [failures] },
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-stale`,
      {
        alarmDescription: "No Qdrant backup has succeeded for 24 hours: check the schedule and the backup task's logs",
        namespace: "QuantMind/Backups",
        metricName: "BackupSuccesses",
        statistic: "Sum",
        period: 3600,
        evaluationPeriods: 24,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        ...actions,
      },
      { parent: this, dependsOn: [successes] },
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
    this.taskDefinitionArn = taskDefinition.arn;
    this.scheduleNames = { qdrant: schedule.name };
    this.backupPlanId = plan.id;
    this.runTaskCommand = pulumi.interpolate`aws ecs run-task --region ${args.region} --cluster ${args.clusterArn} --task-definition ${taskDefinition.family} --launch-type FARGATE --network-configuration 'awsvpcConfiguration={subnets=[${pulumi.output(args.subnetIds).apply((ids) => ids.join(","))}],securityGroups=[${pulumi.output(args.securityGroupIds).apply((ids) => ids.join(","))}],assignPublicIp=DISABLED}'`;
    this.registerOutputs({ bucketName: this.bucketName, taskDefinitionArn: this.taskDefinitionArn, backupPlanId: this.backupPlanId, runTaskCommand: this.runTaskCommand });
  }
}
