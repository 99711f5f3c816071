/**
 * A `lambda` runtime on aws: an MCP server as a Lambda function from a file archive (the bundle
 * its descriptor builds), the secrets it reads at run time stored in Secrets Manager with their
 * ARNs in its environment, and a REST API in front: `/mcp` with POST requiring an API key (usage
 * plan: 100 rps, burst 200, 10,000 a day), and GET, DELETE and OPTIONS passed to the function too,
 * so it answers 405 and CORS as the MCP contract says. Alarms on errors and duration go to the
 * stack's alarm topic. (Until descriptors, this was the QuantConnect-only `QcLambda`.)
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { storeSecret } from "./secrets.js";

export const LAMBDA_RUNTIME = "nodejs22.x";
/** The usage plan every key is on. */
export const MCP_API_LIMITS = { rateLimit: 100, burstLimit: 200, quotaPerDay: 10_000 } as const;

/** Methods on `/mcp`, and whether each needs the API key. Only POST does work; the rest are answered by the function (405, CORS preflight). */
const METHODS = { POST: true, GET: false, DELETE: false, OPTIONS: false } as const;

/** A secret the function reads at run time; `variable` holds its ARN. */
export interface LambdaSecretRef {
  variable: string;
  /** Resource name suffix, e.g. `credentials`. */
  id: string;
  /** Secrets Manager name prefix after `secretNamePrefix`. */
  namePrefix: string;
  description: string;
  /** The value (a secret output). */
  value: pulumi.Input<string>;
}

export interface McpLambdaArgs {
  /** What the function is, for descriptions (e.g. "QuantConnect API v2 MCP server"). */
  description: string;
  /** The bundled handler (tests pass a tiny archive). */
  code: pulumi.Input<pulumi.asset.Archive>;
  /** `file.export` inside the archive; default `index.handler`. */
  handler?: string;
  memoryMb: number;
  timeoutSeconds: number;
  secretRefs: readonly LambdaSecretRef[];
  /** The key clients send as `x-api-key` (at least 20 characters); a secret output. */
  apiKey: pulumi.Input<string>;
  /** Prefix of the secrets' names, e.g. `qm-prod/`. */
  secretNamePrefix: string;
  recoveryWindowInDays?: number;
  logRetentionDays: number;
  /** Non-secret environment (the secret ARNs are added). */
  environment: pulumi.Input<Record<string, string>>;
  /** Where the alarms go. */
  alarmTopicArn: pulumi.Input<string>;
  /** API stage name: part of the URL; default `v1`. */
  stageName?: string;
}

export class McpLambda extends pulumi.ComponentResource {
  /** `https://<api>.execute-api.<region>.amazonaws.com/<stage>/mcp`: what clients use, with `x-api-key`. */
  readonly url: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly restApiId: pulumi.Output<string>;
  /** The stored secrets' ARNs by their variable. */
  readonly secretArns: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: McpLambdaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:McpLambda", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "quantmind:aws:QcLambda" }] });
    const parent = { parent: this };

    // Built from secret outputs, each value stays one.
    const stored = args.secretRefs.map((ref) => ({
      variable: ref.variable,
      secret: storeSecret(
        `${name}-${ref.id}`,
        { namePrefix: `${args.secretNamePrefix}${ref.namePrefix}`, value: ref.value, recoveryWindowInDays: args.recoveryWindowInDays ?? 30, description: ref.description },
        this,
      ),
    }));

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/quantmind/${name}`, retentionInDays: args.logRetentionDays }, parent);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        description: `the ${name} Lambda runs as this`,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-role`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            ...(stored.length > 0 ? [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: stored.map((s) => s.secret.arn) }] : []),
          ],
        }),
      },
      parent,
    );

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        description: `${args.description} (Streamable HTTP behind API Gateway)`,
        runtime: LAMBDA_RUNTIME,
        // Bundled JavaScript with no native modules runs on either architecture; arm64 costs less per GB-second.
        architectures: ["arm64"],
        handler: args.handler ?? "index.handler",
        code: args.code,
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        role: role.arn,
        environment: {
          variables: pulumi
            .all([pulumi.output(args.environment), pulumi.all(stored.map((s) => s.secret.arn))])
            .apply(([env, arns]) => ({ ...env, ...Object.fromEntries(stored.map((s, i) => [s.variable, arns[i]!])) })),
        },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      },
      parent,
    );

    const api = new aws.apigateway.RestApi(
      `${name}-api`,
      { description: args.description, endpointConfiguration: { types: "REGIONAL" }, apiKeySource: "HEADER" },
      parent,
    );
    const resource = new aws.apigateway.Resource(`${name}-mcp`, { restApi: api.id, parentId: api.rootResourceId, pathPart: "mcp" }, parent);
    const integrationTimeoutMs = 29_000;
    const routes = Object.entries(METHODS).map(([httpMethod, apiKeyRequired]) => {
      const method = new aws.apigateway.Method(
        `${name}-${httpMethod.toLowerCase()}`,
        { restApi: api.id, resourceId: resource.id, httpMethod, authorization: "NONE", apiKeyRequired },
        parent,
      );
      const integration = new aws.apigateway.Integration(
        `${name}-${httpMethod.toLowerCase()}`,
        { restApi: api.id, resourceId: resource.id, httpMethod: method.httpMethod, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: fn.invokeArn, timeoutMilliseconds: integrationTimeoutMs },
        parent,
      );
      return { method, integration };
    });
    // Only this API's /mcp may invoke the function.
    new aws.lambda.Permission(
      `${name}-invoke`,
      { action: "lambda:InvokeFunction", function: fn.name, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate`${api.executionArn}/*/*/mcp` },
      parent,
    );

    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: api.id,
        // A stage serves a snapshot of the API: redeploy whenever a route's settings change (in
        // place) or a method or integration is replaced (new ids), or the stage keeps the old routes.
        triggers: {
          routes: pulumi.jsonStringify({
            settings: { methods: METHODS, integrationTimeoutMs, uri: fn.invokeArn },
            ids: routes.map(({ method, integration }) => [method.id, integration.id]),
          }),
        },
      },
      { parent: this, dependsOn: routes.flatMap(({ method, integration }) => [method, integration]) },
    );
    const stage = new aws.apigateway.Stage(`${name}-stage`, { restApi: api.id, deployment: deployment.id, stageName: args.stageName ?? "v1" }, parent);

    const plan = new aws.apigateway.UsagePlan(
      `${name}-plan`,
      {
        description: `${args.description}: MCP clients`,
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        throttleSettings: { rateLimit: MCP_API_LIMITS.rateLimit, burstLimit: MCP_API_LIMITS.burstLimit },
        quotaSettings: { limit: MCP_API_LIMITS.quotaPerDay, period: "DAY" },
      },
      parent,
    );
    const key = new aws.apigateway.ApiKey(`${name}-key`, { description: `${args.description}: MCP clients (x-api-key)`, enabled: true, value: pulumi.secret(args.apiKey) }, parent);
    new aws.apigateway.UsagePlanKey(`${name}-plan-key`, { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id }, parent);

    new aws.cloudwatch.MetricAlarm(
      `${name}-errors`,
      {
        alarmDescription: `the ${name} Lambda failed 5 times or more in 5 minutes`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 5,
        treatMissingData: "notBreaching",
        alarmActions: [args.alarmTopicArn],
        okActions: [args.alarmTopicArn],
      },
      parent,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-duration`,
      {
        // API Gateway gives up at 29 s: a p99 near that means clients are seeing timeouts.
        alarmDescription: `the ${name} Lambda's p99 duration exceeded 25 s in two 5-minute periods`,
        namespace: "AWS/Lambda",
        metricName: "Duration",
        dimensions: { FunctionName: fn.name },
        extendedStatistic: "p99",
        period: 300,
        evaluationPeriods: 2,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 25_000,
        treatMissingData: "notBreaching",
        alarmActions: [args.alarmTopicArn],
        okActions: [args.alarmTopicArn],
      },
      parent,
    );

    this.url = pulumi.interpolate`${stage.invokeUrl}/mcp`;
    this.functionName = fn.name;
    this.restApiId = api.id;
    this.secretArns = Object.fromEntries(stored.map((s) => [s.variable, s.secret.arn]));
    this.registerOutputs({ url: this.url, functionName: this.functionName, restApiId: this.restApiId });
  }
}
