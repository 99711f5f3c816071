/**
 * Runs a one-shot job (a catalogue `job`, e.g. kb-indexer) once per deploy: an EventBridge rule
 * per dependant service (the daemons that list the job in `after`) starts the job's task when
 * that service's ECS deployment completes. ECS cannot hold a service until a task has finished,
 * so "before its dependants" becomes "right after each of their rollouts": jobs are incremental
 * and idempotent, and a service that starts first answers until the job is done (kb-mcp reports
 * NOT_INDEXED). Every deploy that changes the image rolls the dependants, so the job sees every
 * new image; the run-task command in the outputs runs it by hand at any time.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface JobTriggerArgs {
  /** Catalogue name of the job, for descriptions. */
  job: string;
  clusterArn: pulumi.Input<string>;
  /** The job's task definition (the rules start its latest revision at the time of the deploy). */
  taskDefinitionArn: pulumi.Input<string>;
  /** `task-definition/<family>` without a revision: the events role may start any revision of it. */
  taskFamilyArn: pulumi.Input<string>;
  executionRoleArn: pulumi.Input<string>;
  taskRoleArn: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  securityGroupIds: pulumi.Input<string>[];
  accountId: pulumi.Input<string>;
  /** Dependant ECS services by catalogue name: a completed deployment of any runs the job. */
  after: Readonly<Record<string, pulumi.Input<string>>>;
}

export class JobTrigger extends pulumi.ComponentResource {
  /** Rule names by dependant service. */
  readonly ruleNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: JobTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:JobTrigger", name, {}, opts);
    const parent = { parent: this };

    const role = new aws.iam.Role(
      `${name}-events`,
      {
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
        description: `EventBridge runs ${args.job} with this`,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-events`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // Any revision of this one family, in this cluster only.
            { Effect: "Allow", Action: "ecs:RunTask", Resource: pulumi.interpolate`${args.taskFamilyArn}:*`, Condition: { ArnEquals: { "ecs:cluster": args.clusterArn } } },
            { Effect: "Allow", Action: "iam:PassRole", Resource: [args.executionRoleArn, args.taskRoleArn], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
          ],
        }),
      },
      parent,
    );

    const ruleNames: Record<string, pulumi.Output<string>> = {};
    for (const [service, serviceArn] of Object.entries(args.after)) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-after-${service}`,
        {
          description: `runs ${args.job} when a deployment of ${service} completes`,
          eventPattern: pulumi.jsonStringify({
            source: ["aws.ecs"],
            "detail-type": ["ECS Deployment State Change"],
            resources: [serviceArn],
            detail: { eventName: ["SERVICE_DEPLOYMENT_COMPLETED"] },
          }),
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-after-${service}`,
        {
          rule: rule.name,
          arn: args.clusterArn,
          roleArn: role.arn,
          ecsTarget: {
            taskDefinitionArn: args.taskDefinitionArn,
            taskCount: 1,
            launchType: "FARGATE",
            platformVersion: "1.4.0",
            networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
          },
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        },
        parent,
      );
      ruleNames[service] = rule.name;
    }
    this.ruleNames = ruleNames;
    this.registerOutputs({ ruleNames });
  }
}
