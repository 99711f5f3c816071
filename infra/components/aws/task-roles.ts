/**
 * The two IAM roles of an ECS task: the execution role ECS uses to start it (pull the image,
 * write logs, read exactly the task's secrets) and the task role its code runs as, which holds
 * nothing unless the task needs it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TaskRolesArgs {
  accountId: pulumi.Input<string>;
  /** The task's log group ARN; the execution role writes only there. */
  logGroupArn: pulumi.Input<string>;
  /** Secrets the task receives; the execution role reads only these. */
  secretArns: pulumi.Input<string>[];
  /** The ECR repository the image comes from; unset for public images (Qdrant). */
  repositoryArn?: pulumi.Input<string>;
  /** Statements for the task role; none by default. */
  taskPolicyStatements?: pulumi.Input<Record<string, unknown>>[];
}

/** Trust for ECS tasks of this account only (confused-deputy guard). */
function ecsTasksTrust(accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/**
 * The two roles as children of `parent`. `previousParent`: the component that held them before
 * (an alias keeps their state when a component moves them under itself).
 */
export function createTaskRoles(
  name: string,
  args: TaskRolesArgs,
  parent: pulumi.Resource,
  previousParent?: pulumi.Resource | pulumi.Input<string>,
): { executionRole: aws.iam.Role; taskRole: aws.iam.Role } {
  const opts = { parent, ...(previousParent && { aliases: [{ parent: previousParent }] }) };
  const executionRole = new aws.iam.Role(`${name}-execution`, { assumeRolePolicy: ecsTasksTrust(args.accountId), description: `ECS starts ${name} with this` }, opts);
  const statements: pulumi.Input<Record<string, unknown>>[] = [
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${args.logGroupArn}:*` },
  ];
  if (args.repositoryArn !== undefined) {
    // GetAuthorizationToken has no resource scope; the pulls themselves are scoped to the repository.
    statements.push(
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: args.repositoryArn },
    );
  }
  if (args.secretArns.length > 0) {
    statements.push({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.secretArns });
  }
  new aws.iam.RolePolicy(`${name}-execution`, { role: executionRole.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) }, opts);

  const taskRole = new aws.iam.Role(`${name}-task`, { assumeRolePolicy: ecsTasksTrust(args.accountId), description: `${name} runs as this` }, opts);
  if (args.taskPolicyStatements && args.taskPolicyStatements.length > 0) {
    new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: args.taskPolicyStatements }) }, opts);
  }
  return { executionRole, taskRole };
}
