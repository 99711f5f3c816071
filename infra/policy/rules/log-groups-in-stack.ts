/**
 * Every log group the stack's functions and containers write to is one of the stack's own
 * aws.cloudwatch.LogGroup resources, so log-retention-set covers it. A Lambda without
 * loggingConfig.logGroup writes to /aws/lambda/<name>, and an ECS container's awslogs-group may
 * name any group; AWS creates a missing group with no retention. Linking a function or task to
 * a group is only visible across resources, hence a stack-level rule.
 *
 * A Lambda passes when its loggingConfig was built from one of the stack's log groups, or names
 * (or defaults to) a group the stack creates. An ECS container passes when its awslogs-group is
 * the name of one of the stack's log groups. Names are outputs, so during a preview of new
 * resources this runs as advisory and is enforced at `pulumi up`.
 */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { containerLabel, ecsContainers } from "../lib/ecs.js";
import { label, ofType, propertyDependencies } from "../lib/stack.js";

export const logGroupsInStack: StackValidationPolicy = {
  name: "log-groups-in-stack",
  description: "Lambda functions and ECS containers log only to log groups the stack creates (with retention).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const groups = ofType(args.resources, aws.cloudwatch.LogGroup);
    const names = new Set(groups.map((group) => group.props["name"] as string | undefined).filter((name): name is string => typeof name === "string"));

    for (const fn of ofType(args.resources, aws.lambda.Function)) {
      if (propertyDependencies(fn, "loggingConfig", aws.cloudwatch.LogGroup).length > 0) continue;
      const config = fn.props["loggingConfig"] as { logGroup?: string } | undefined;
      const group = config?.logGroup ?? `/aws/lambda/${fn.props["name"] as string}`;
      if (!names.has(group)) {
        report(
          `${label(fn)} logs to ${group}, which is not a log group of this stack, so AWS creates it without retention: ` +
            `create an aws.cloudwatch.LogGroup with retentionInDays and set loggingConfig.logGroup to its name`,
          fn.urn,
        );
      }
    }

    for (const task of ofType(args.resources, aws.ecs.TaskDefinition)) {
      const containers = ecsContainers(task.props["containerDefinitions"] as string | undefined, (problem) => report(`${label(task)}: ${problem}`, task.urn));
      containers.forEach((container, index) => {
        const logging = container.logConfiguration;
        if (logging?.logDriver !== "awslogs") return;
        const group = logging.options?.["awslogs-group"];
        if (group === undefined || !names.has(group)) {
          report(
            `${label(task)} ${containerLabel(container, index)} logs to ${group === undefined ? "no awslogs-group" : group}, which is not a log group of this stack: ` +
              `create an aws.cloudwatch.LogGroup with retentionInDays and name it in awslogs-group`,
            task.urn,
          );
        }
      });
    }
  },
};
