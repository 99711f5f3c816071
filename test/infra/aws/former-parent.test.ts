/**
 * Before backups had a descriptor, the Backups component created the backup task's resources
 * itself. Now a ScheduledTask (and its FargateTask) create them under the same names; without
 * aliases to the old parent, `pulumi up` on an existing prod stack would create them anew and
 * collide with the old ones on their fixed AWS names (log group, IAM roles, schedule).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateProdStack, type ProdStackRun } from "./prod-stack.js";

const BACKUPS_URN = "urn:pulumi:prod::quantmind::quantmind:aws:Backups::qm-prod-backup";

/** What the Backups component used to create for the scheduled task, by type and name. */
const MOVED = [
  ["aws:cloudwatch/logGroup:LogGroup", "qm-prod-backup-logs"],
  ["aws:ecs/taskDefinition:TaskDefinition", "qm-prod-backup-task"],
  ["aws:iam/role:Role", "qm-prod-backup-task-execution"],
  ["aws:iam/rolePolicy:RolePolicy", "qm-prod-backup-task-execution"],
  ["aws:iam/role:Role", "qm-prod-backup-task-task"],
  ["aws:iam/rolePolicy:RolePolicy", "qm-prod-backup-task-task"],
  ["aws:iam/role:Role", "qm-prod-backup-scheduler"],
  ["aws:iam/rolePolicy:RolePolicy", "qm-prod-backup-scheduler"],
  ["aws:scheduler/schedule:Schedule", "qm-prod-backup-qdrant"],
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "qm-prod-backup-failures"],
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "qm-prod-backup-successes"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "qm-prod-backup-failed"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "qm-prod-backup-stale"],
] as const;

describe("the backup task's resources on aws after the move into a ScheduledTask", () => {
  let prod: ProdStackRun;
  beforeAll(async () => {
    prod = await evaluateProdStack();
  });

  it.each(MOVED)("%s %s keeps its state through an alias to the Backups component", (type, name) => {
    expect(prod.run.named(type, name).aliasParents).toContain(BACKUPS_URN);
  });

  it("aliases nothing else to Backups: the bucket and AWS Backup plan never moved", () => {
    const moved = new Set(MOVED.map(([type, name]) => `${type} ${name}`));
    const aliasedToBackups = prod.run.resources
      .filter((r) => r.type.startsWith("aws:") && !moved.has(`${r.type} ${r.name}`))
      .filter((r) => r.aliasParents.includes(BACKUPS_URN) && !r.name.startsWith("qm-prod-backup-bucket"))
      .map((r) => `${r.type} ${r.name}`);
    expect(aliasedToBackups).toEqual([]);
  });

  it("leaves a long-running service's task resources aliased to its own Service component", () => {
    expect(prod.run.named("aws:cloudwatch/logGroup:LogGroup", "qm-prod-kb-mcp-logs").aliasParents).toEqual(["urn:pulumi:prod::quantmind::quantmind:aws:Service::qm-prod-kb-mcp"]);
  });
});
