/**
 * The QuantConnect MCP server on aws: a Lambda function from a file archive (the esbuild bundle),
 * its credentials in a Secrets Manager secret it reads at run time, and a REST API in front:
 * `/mcp` with POST requiring an API key (usage plan: 100 rps, burst 200, 10,000 a day), and GET,
 * DELETE and OPTIONS passed to the Lambda too, so it answers 405 and CORS as the MCP contract
 * says. Alarms on errors and duration go to the stack's alarm topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { storeSecret } from "./secrets.js";

export const QC_LAMBDA_RUNTIME = "nodejs22.x";
export const QC_LAMBDA_MEMORY_MB = 1024;
export const QC_LAMBDA_TIMEOUT_SECONDS = 30;
/** The usage plan every key is on. */
export const QC_API_LIMITS = { rateLimit: 100, burstLimit: 200, quotaPerDay: 10_000 } as const;

/** Methods on `/mcp`, and whether each needs the API key. Only POST does work; the rest are answered by the function (405, CORS preflight). */
const METHODS = { POST: true, GET: false, DELETE: false, OPTIONS: false } as const;

export interface QcLambdaArgs {
  /** The bundled handler (tests pass a tiny archive). */
  code: pulumi.Input<pulumi.asset.Archive>;
  /** `file.export` inside the archive; default `index.handler`. */
  handler?: string;
  credentials: { userId: pulumi.Input<string>; apiToken: pulumi.Input<string> };
  /** The key clients send as `x-api-key` (at least 20 characters); a secret output. */
  apiKey: pulumi.Input<string>;
  /** Prefix of the credentials secret's name, e.g. `qm-prod/`. */
  secretNamePrefix: string;
  recoveryWindowInDays?: number;
  logRetentionDays: number;
  logLevel: string;
  /** Non-secret environment besides QC_SECRETS_ARN and LOG_LEVEL (e.g. QC_TOOLSETS). */
  environment?: Readonly<Record<string, string>>;
  /** Where the alarms go. */
  alarmTopicArn: pulumi.Input<string>;
  /** API stage name: part of the URL; default `v1`. */
  stageName?: string;
}

export class QcLambda extends pulumi.ComponentResource {
  /** `https://<api>.execute-api.<region>.amazonaws.com/<stage>/mcp`: what clients use, with `x-api-key`. */
  readonly url: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly restApiId: pulumi.Output<string>;
  readonly credentialsSecretArn: pulumi.Output<string>;
  readonly apiKeySecretArn: pulumi.Output<string>;

  constructor(name: string, args: QcLambdaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:QcLambda", name, {}, opts);
    const parent = { parent: this };

    // One JSON secret, as the function expects ({userId, apiToken}); it re-reads it after a TTL,
    // so a rotated token reaches it without a redeploy. Built from secret outputs, it stays one.
    const credentials = storeSecret(
      `${name}-credentials`,
      {
        namePrefix: `${args.secretNamePrefix}qc-credentials-`,
        value: pulumi.secret(pulumi.jsonStringify({ userId: args.credentials.userId, apiToken: args.credentials.apiToken })),
        recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
        description: "QuantConnect credentials for the QuantConnect MCP Lambda: {userId, apiToken}",
      },
      this,
    );

    // The key clients send, for the handler's own check behind API Gateway's (defence in depth):
    // by reference, like the credentials, since Lambda environment is readable in plain text
    // with lambda:GetFunctionConfiguration.
    const clientKey = storeSecret(
      `${name}-client-key`,
      {
        namePrefix: `${args.secretNamePrefix}qc-mcp-api-key-`,
        value: args.apiKey,
        recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
        description: "the API key QuantConnect MCP clients send (x-api-key)",
      },
      this,
    );

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/quantmind/${name}`, retentionInDays: args.logRetentionDays }, parent);
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
        description: "the QuantConnect MCP Lambda runs as this",
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
            { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [credentials.arn, clientKey.arn] },
          ],
        }),
      },
      parent,
    );

    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        description: "QuantConnect MCP server (Streamable HTTP behind API Gateway)",
        runtime: QC_LAMBDA_RUNTIME,
        // Bundled JavaScript with no native modules runs on either architecture; arm64 costs less per GB-second.
        architectures: ["arm64"],
        handler: args.handler ?? "index.handler",
        code: args.code,
        memorySize: QC_LAMBDA_MEMORY_MB,
        timeout: QC_LAMBDA_TIMEOUT_SECONDS,
        role: role.arn,
        environment: {
          variables: {
            ...args.environment,
            LOG_LEVEL: args.logLevel,
            QC_SECRETS_ARN: credentials.arn,
            // The handler reads the clients' key from this secret when it starts.
            MCP_API_KEY_ARN: clientKey.arn,
          },
        },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      },
      parent,
    );

    const api = new aws.apigateway.RestApi(
      `${name}-api`,
      { description: "QuantConnect MCP", endpointConfiguration: { types: "REGIONAL" }, apiKeySource: "HEADER" },
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
        description: "QuantConnect MCP clients",
        apiStages: [{ apiId: api.id, stage: stage.stageName }],
        throttleSettings: { rateLimit: QC_API_LIMITS.rateLimit, burstLimit: QC_API_LIMITS.burstLimit },
        quotaSettings: { limit: QC_API_LIMITS.quotaPerDay, period: "DAY" },
      },
      parent,
    );
    const key = new aws.apigateway.ApiKey(`${name}-key`, { description: "QuantConnect MCP clients (x-api-key)", enabled: true, value: pulumi.secret(args.apiKey) }, parent);
    new aws.apigateway.UsagePlanKey(`${name}-plan-key`, { keyId: key.id, keyType: "API_KEY", usagePlanId: plan.id }, parent);

    new aws.cloudwatch.MetricAlarm(
      `${name}-errors`,
      {
        alarmDescription: "the QuantConnect MCP Lambda failed 5 times or more in 5 minutes",
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
        alarmDescription: "the QuantConnect MCP Lambda's p99 duration exceeded 25 s in two 5-minute periods",
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
    this.credentialsSecretArn = credentials.arn;
    this.apiKeySecretArn = clientKey.arn;
    this.registerOutputs({ url: this.url, functionName: this.functionName, restApiId: this.restApiId, credentialsSecretArn: this.credentialsSecretArn, apiKeySecretArn: this.apiKeySecretArn });
  }
}
