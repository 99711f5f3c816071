/**
 * Every target schedules backups of both stores, from the stack configuration:
 * - local and vps: the hardened backup container running `backup schedule`, Redis's data volume
 *   mounted read-only, backups on the container's own named volume;
 * - aws: Qdrant snapshots as an EventBridge-scheduled ECS task writing to a versioned, encrypted,
 *   TLS-only S3 bucket with lifecycle rules, an AWS Backup plan for Qdrant's EFS, and ElastiCache
 *   snapshots (retention and window) for Redis.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toAwsCron } from "../../infra/components/aws/aws-cron.js";
import { installPulumiMocks, reveal, settled, type PulumiMockRun, type RecordedResource } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { evaluateProdStack } from "./aws/prod-stack.js";
import { expectHardenedContainers, runningContainers, secretUploads, startCommandOf } from "./docker-assertions.js";

async function deployDocker(stack: "dev" | "testnet", overrides: Record<string, string> = {}): Promise<PulumiMockRun> {
  const { config, secretKeys } = operatorStackConfig(stack);
  const run = await installPulumiMocks(stack, { ...config, ...overrides }, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const stackConfig = loadStackConfig();
  if (stackConfig.target === "local") {
    const { createLocalTarget } = await import("../../infra/targets/local.js");
    createLocalTarget(stackConfig, loadStackSecrets(stackConfig));
  } else if (stackConfig.target === "vps") {
    const temp = await makeTempDir();
    const { createVpsTarget } = await import("../../infra/targets/vps.js");
    createVpsTarget(stackConfig, loadStackSecrets(stackConfig), { sshKeyDir: path.join(temp.dir, "ssh") });
  }
  await settled(run);
  return run;
}

function backupContainer(run: PulumiMockRun, prefix: string): { env: Record<string, string>; resource: RecordedResource } {
  const resource = runningContainers(run).find((r) => r.inputs["name"] === `${prefix}-backup`);
  if (!resource) throw new Error(`no ${prefix}-backup container`);
  const env = Object.fromEntries((reveal(resource.inputs["envs"]) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  return { env, resource };
}

describe.each([
  ["dev", "qm-dev", { redis: "0 */6 * * *", qdrant: "15 */6 * * *", hourly: "4" }],
  ["testnet", "qm-testnet", { redis: "0 * * * *", qdrant: "15 * * * *", hourly: "24" }],
] as const)("%s (Docker host): the backup service", (stack, prefix, defaults) => {
  it("runs `backup schedule` for both stores on the target's default schedules", async () => {
    const run = await deployDocker(stack);
    const { env, resource } = backupContainer(run, prefix);
    expect(resource.inputs["command"]).toEqual(["backup", "schedule"]);
    // No HTTP port, so no inherited HTTP probe that would mark it unhealthy.
    expect(resource.inputs["healthcheck"]).toEqual({ tests: ["NONE"] });
    expect(env).toMatchObject({
      REDIS_URL: "redis://redis:6379",
      QDRANT_URL: "http://qdrant:6333",
      REDIS_RDB_PATH: "/data/dump.rdb",
      BACKUP_STORAGE: "local",
      BACKUP_DIR: "/var/lib/quantmind/backups",
      BACKUP_SCHEDULE_REDIS: defaults.redis,
      BACKUP_SCHEDULE_QDRANT: defaults.qdrant,
      BACKUP_KEEP_HOURLY: defaults.hourly,
      REDIS_PASSWORD_FILE: "/run/secrets/REDIS_PASSWORD",
      QDRANT_API_KEY_FILE: "/run/secrets/QDRANT_API_KEY",
    });
    expect(secretUploads(run, `${prefix}-backup`).map((u) => u.file).sort()).toEqual(["/run/secrets/QDRANT_API_KEY", "/run/secrets/REDIS_PASSWORD"]);
    // Redis's data read-only; backups on the service's own volume; secrets read-only.
    expect(reveal(resource.inputs["volumes"])).toEqual(
      expect.arrayContaining([
        { volumeName: `${prefix}-redis-data`, containerPath: "/data", readOnly: true },
        { volumeName: `${prefix}-backup-data`, containerPath: "/var/lib/quantmind" },
      ]),
    );
    expect(run.ofType("docker:index/volume:Volume").map((v) => v.inputs["name"])).toContain(`${prefix}-backup-data`);
    expectHardenedContainers(run);
    expect(startCommandOf(run, `${prefix}-backup`)).toContain(`docker update --pids-limit 128 ${prefix}-backup && docker restart ${prefix}-backup`);
  });

  it("takes schedules and retention from the stack configuration", async () => {
    const run = await deployDocker(stack, {
      "quantmind:backupRedisSchedule": "30 2 * * *",
      "quantmind:backupQdrantSchedule": "45 3 * * 1",
      "quantmind:backupKeepDaily": "14",
    });
    expect(backupContainer(run, prefix).env).toMatchObject({ BACKUP_SCHEDULE_REDIS: "30 2 * * *", BACKUP_SCHEDULE_QDRANT: "45 3 * * 1", BACKUP_KEEP_DAILY: "14" });
  });
});

describe("prod (aws): scheduled backups of both stores", () => {
  // One evaluation of the prod stack as written serves every test here (each takes a second or two).
  let prod: Awaited<ReturnType<typeof evaluateProdStack>>;
  beforeAll(async () => {
    prod = await evaluateProdStack();
  });

  it("schedules the Qdrant snapshot task with EventBridge Scheduler, writing to S3", async () => {
    const { run } = prod;
    const schedules = run.ofType("aws:scheduler/schedule:Schedule");
    expect(schedules).toHaveLength(1);
    const schedule = reveal(schedules[0]!.inputs) as { scheduleExpression: string; scheduleExpressionTimezone: string; target: { arn: string; roleArn: string; ecsParameters: { taskDefinitionArn: string; launchType: string; networkConfiguration: { assignPublicIp: boolean } } } };
    expect(schedule.scheduleExpression).toBe("cron(15 * * * ? *)");
    expect(schedule.scheduleExpressionTimezone).toBe("UTC");
    expect(schedule.target.ecsParameters).toMatchObject({ launchType: "FARGATE", networkConfiguration: { assignPublicIp: false } });
    expect(schedule.target.arn).toContain("qm-prod-cluster");

    const task = run.named("aws:ecs/taskDefinition:TaskDefinition", "qm-prod-backup-task");
    const [container] = JSON.parse(String(reveal(task.inputs["containerDefinitions"]))) as { command: string[]; environment: { name: string; value: string }[]; secrets: { name: string }[]; readonlyRootFilesystem: boolean; user: string }[];
    expect(container!.command).toEqual(["backup", "run", "qdrant"]);
    const env = Object.fromEntries(container!.environment.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ BACKUP_STORAGE: "s3", BACKUP_S3_SSE: "AES256", BACKUP_S3_PREFIX: "quantmind/", QDRANT_URL: "http://qdrant.qm-prod.internal:6333" });
    expect(env["BACKUP_S3_BUCKET"]).toMatch(/^qm-prod-backups-/);
    expect(env).not.toHaveProperty("REDIS_URL");
    expect(container!.secrets.map((s) => s.name)).toEqual(["QDRANT_API_KEY"]);
    expect(container).toMatchObject({ readonlyRootFilesystem: true, user: "10001:10001" });

    // The scheduler may start only this task family, in this cluster.
    const policy = JSON.parse(String(reveal(run.named("aws:iam/rolePolicy:RolePolicy", "qm-prod-backup-scheduler").inputs["policy"]))) as { Statement: { Action: string; Resource: unknown }[] };
    expect(policy.Statement.map((s) => s.Action)).toEqual(["ecs:RunTask", "iam:PassRole"]);
    expect(String(policy.Statement[0]!.Resource)).toMatch(/task-definition\/qm-prod-backup:\*$/);
  });

  it("keeps backups in a versioned, encrypted, private, TLS-only bucket with lifecycle rules", async () => {
    const { run } = prod;
    const one = (type: string) => {
      const found = run.ofType(type).filter((r) => r.name.startsWith("qm-prod-backup-bucket"));
      expect(found, type).toHaveLength(1);
      return reveal(found[0]!.inputs) as Record<string, unknown>;
    };
    expect(one("aws:s3/bucket:Bucket")["bucket"]).toMatch(/^qm-prod-backups-123456789012-/);
    expect(one("aws:s3/bucketVersioning:BucketVersioning")).toMatchObject({ versioningConfiguration: { status: "Enabled" } });
    expect(one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")).toMatchObject({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration") as { rules: { noncurrentVersionExpiration?: { noncurrentDays: number } }[] };
    expect(lifecycle.rules.find((r) => r.noncurrentVersionExpiration)?.noncurrentVersionExpiration).toEqual({ noncurrentDays: 30 });
    const tls = JSON.parse(String(one("aws:s3/bucketPolicy:BucketPolicy")["policy"])) as { Statement: { Effect: string; Condition: unknown }[] };
    expect(tls.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("backs Redis up with ElastiCache snapshots and Qdrant's EFS with an AWS Backup plan, both from config", async () => {
    const defaults = prod;
    const group = defaults.run.named("aws:elasticache/replicationGroup:ReplicationGroup", "qm-prod-redis-group");
    expect(group.inputs).toMatchObject({ snapshotRetentionLimit: 7, snapshotWindow: "03:00-04:00" });
    const plan = reveal(defaults.run.named("aws:backup/plan:Plan", "qm-prod-backup-efs-plan").inputs) as { rules: { schedule: string; lifecycle: { deleteAfter: number } }[] };
    expect(plan.rules[0]).toMatchObject({ schedule: "cron(0 2 * * ? *)", lifecycle: { deleteAfter: 35 } });
    const selection = reveal(defaults.run.named("aws:backup/selection:Selection", "qm-prod-backup-efs-selection").inputs) as { resources: string[] };
    expect(selection.resources).toEqual([expect.stringMatching(/^arn:aws:elasticfilesystem:.*:123456789012:file-system\/.+/)]);

    const tuned = await evaluateProdStack({
      config: {
        "quantmind:redisSnapshotRetentionDays": "14",
        "quantmind:redisSnapshotWindow": "01:00-02:00",
        "quantmind:qdrantEfsBackupRetentionDays": "90",
        "quantmind:backupQdrantSchedule": "0 */4 * * *",
      },
    });
    expect(tuned.run.named("aws:elasticache/replicationGroup:ReplicationGroup", "qm-prod-redis-group").inputs).toMatchObject({ snapshotRetentionLimit: 14, snapshotWindow: "01:00-02:00" });
    expect((reveal(tuned.run.named("aws:backup/plan:Plan", "qm-prod-backup-efs-plan").inputs) as { rules: { lifecycle: unknown }[] }).rules[0]!.lifecycle).toEqual({ deleteAfter: 90 });
    expect(tuned.run.ofType("aws:scheduler/schedule:Schedule")[0]!.inputs["scheduleExpression"]).toBe("cron(0 */4 * * ? *)");
  });

  it("alarms when a backup run fails and when none has succeeded for a day", async () => {
    const { run } = prod;
    const filters = run
      .ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter")
      .filter((f) => f.name.startsWith("qm-prod-backup-"))
      .map((f) => reveal(f.inputs) as { pattern: string; metricTransformation: { name: string } });
    expect(filters.map((f) => f.metricTransformation.name).sort()).toEqual(["BackupFailures", "BackupSuccesses"]);
    expect(filters.find((f) => f.metricTransformation.name === "BackupFailures")!.pattern).toContain('"backup of * failed"');
    const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("qm-prod-backup-"));
    expect(alarms.map((a) => a.name).sort()).toEqual(["qm-prod-backup-failed", "qm-prod-backup-stale"]);
    for (const alarm of alarms) expect(reveal(alarm.inputs["alarmActions"])).toEqual([expect.stringContaining(":sns:")]);
  });
});

describe("toAwsCron", () => {
  it("turns 5-field cron into AWS's 6-field form", () => {
    expect(toAwsCron("15 * * * *")).toBe("cron(15 * * * ? *)");
    expect(toAwsCron("0 3 1 * *")).toBe("cron(0 3 1 * ? *)");
    expect(toAwsCron("0 3 * * 0")).toBe("cron(0 3 ? * 1 *)"); // Sunday is 1 on AWS
    expect(toAwsCron("0 3 * * 1-5")).toBe("cron(0 3 ? * 2-6 *)");
    expect(toAwsCron("0 3 * * MON")).toBe("cron(0 3 ? * MON *)");
  });

  it("refuses what AWS cannot express", () => {
    expect(() => toAwsCron("0 3 1 * 1")).toThrow(/set one of them to \*/);
    expect(() => toAwsCron("0 3 * *")).toThrow(/5 fields/);
  });
});
