/**
 * Log retention is set: logs are kept long enough to investigate, and never forever.
 *
 * Checked per resource:
 * - every CloudWatch log group has retentionInDays > 0 (0 or unset keeps logs forever);
 * - no ECS container asks the awslogs driver to create its log group (`awslogs-create-group`),
 *   since a group created that way has no retention and is not in the stack.
 * That each Lambda's and each ECS container's log group is one of the stack's log groups (so this
 * rule covers it) is a stack-level check: see log-groups-in-stack.
 */
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, ecsContainers } from "../lib/ecs.js";

const logGroup = validateResourceOfType(aws.cloudwatch.LogGroup, (props, _args, report) => {
  const days = props.retentionInDays;
  if (days === undefined || days <= 0) {
    const group = props.name === undefined ? "log group" : `log group ${props.name}`;
    report(`${group} keeps logs forever (retentionInDays ${days ?? "unset"}): set retentionInDays, e.g. from quantmind:logRetentionDays`);
  }
});

const taskDefinition = validateResourceOfType(aws.ecs.TaskDefinition, (props, _args, report) => {
  ecsContainers(props.containerDefinitions, report).forEach((definition, index) => {
    if (String(definition.logConfiguration?.options?.["awslogs-create-group"]).toLowerCase() === "true") {
      report(`${containerLabel(definition, index)} lets the awslogs driver create its log group, which then has no retention: create an aws.cloudwatch.LogGroup with retentionInDays and name it in awslogs-group`);
    }
  });
});

export const logRetention: ResourceValidationPolicy = {
  name: "log-retention-set",
  description: "Every CloudWatch log group has a retention period; no log group is created outside the stack.",
  enforcementLevel: "mandatory",
  validateResource: [logGroup, taskDefinition],
};
