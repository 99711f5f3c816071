/**
 * The MCP Lambda component on its own, with the QuantConnect MCP server's `lambda` runtime (its
 * descriptor's secrets and sizes): a tiny archive stands in for the esbuild bundle. Function
 * settings, the REST API's methods and key requirement, the usage plan, IAM, log retention and
 * alarms.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretWrapper, reveal, secretOccurrences, settled, valueOf, type PulumiMockRun, type RecordedResource } from "../../helpers/pulumi-mocks.js";
import type { StackSecrets } from "../../../stacks/load.js";
import { tinyLambdaArchive } from "./prod-stack.js";

const CREDENTIALS = { userId: "31337001", apiToken: "qc-component-token-5e6f7a8b9c" };
const API_KEY = "qc-component-key-0f1e2d3c4b5a69788";

let run: PulumiMockRun;
let url: pulumi.Output<string>;
const input = <V = unknown>(r: RecordedResource, key: string) => reveal(r.inputs[key]) as V;
const one = (type: string) => {
  const found = run.ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  run = await installPulumiMocks("prod", {});
  const { McpLambda } = await import("../../../infra/components/aws/mcp-lambda.js");
  const { lambdaSecretRefs } = await import("../../../infra/components/aws/lambda-archive.js");
  const { qcMcpDeploy } = await import("../../../services/qc/deploy.js");
  const shape = qcMcpDeploy.runOn!.aws!.shape;
  if (shape.kind !== "lambda") throw new Error("qc-mcp is a lambda on aws");
  const secrets = { qcUserId: pulumi.secret(CREDENTIALS.userId), qcApiToken: pulumi.secret(CREDENTIALS.apiToken), qcMcpApiKey: pulumi.secret(API_KEY) } as unknown as StackSecrets;
  const qc = new McpLambda("qc", {
    description: qcMcpDeploy.description,
    code: tinyLambdaArchive(),
    handler: shape.handler,
    memoryMb: shape.memoryMb,
    timeoutSeconds: shape.timeoutSeconds,
    secretRefs: lambdaSecretRefs(shape.secretRefs, secrets),
    apiKey: secrets.qcMcpApiKey,
    secretNamePrefix: "qm-test/",
    logRetentionDays: 14,
    environment: { QC_TOOLSETS: "projects,backtests", LOG_LEVEL: "info" },
    alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
  });
  url = qc.url;
  await settled(run);
});

describe("McpLambda (the QuantConnect MCP server's runtime)", () => {
  it("runs the archive on nodejs22.x with 1024 MB and 30 s, logging to a group with retention", async () => {
    const fn = one("aws:lambda/function:Function");
    expect(reveal(fn.inputs)).toMatchObject({ runtime: "nodejs22.x", memorySize: 1024, timeout: 30, handler: "index.handler" });
    expect(Object.keys(await (fn.inputs["code"] as pulumi.asset.AssetArchive).assets)).toEqual(["index.js"]);
    const group = one("aws:cloudwatch/logGroup:LogGroup");
    expect(input(group, "retentionInDays")).toBe(14);
    expect(input(fn, "loggingConfig")).toMatchObject({ logGroup: input(group, "name") });
  });

  it("reads the QuantConnect credentials and its clients' key from two secrets, by ARN, and may read nothing else", () => {
    const fn = one("aws:lambda/function:Function");
    const env = input<{ variables: Record<string, string> }>(fn, "environment").variables;
    expect(env).toEqual({
      QC_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:qc-credentials-AbCdEf",
      MCP_API_KEY_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:qc-client-key-AbCdEf",
      QC_TOOLSETS: "projects,backtests",
      LOG_LEVEL: "info",
    });
    const versions = Object.fromEntries(run.ofType("aws:secretsmanager/secretVersion:SecretVersion").map((v) => [v.name, input<string>(v, "secretString")]));
    expect(JSON.parse(versions["qc-credentials-value"]!)).toEqual(CREDENTIALS);
    expect(versions["qc-client-key-value"]).toBe(API_KEY);
    const policy = JSON.parse(input<string>(one("aws:iam/rolePolicy:RolePolicy"), "policy")) as { Statement: { Action: string | string[]; Resource: string }[] };
    expect(policy.Statement).toEqual([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: expect.stringMatching(/^arn:aws:logs:.*:\*$/) },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [env["QC_SECRETS_ARN"], env["MCP_API_KEY_ARN"]] },
    ]);
  });

  it("keeps the token and the key wrapped as secrets wherever they go, and out of the function's configuration", () => {
    const places = secretOccurrences(run.resources, [CREDENTIALS.apiToken, API_KEY]);
    expect(places.map((p) => p.where).sort()).toEqual([
      "aws:apigateway/apiKey:ApiKey qc-key.value",
      "aws:secretsmanager/secretVersion:SecretVersion qc-client-key-value.secretString",
      "aws:secretsmanager/secretVersion:SecretVersion qc-credentials-value.secretString",
    ]);
    expect(places.every((p) => p.wrapped)).toBe(true);
    expect(isSecretWrapper(one("aws:apigateway/apiKey:ApiKey").inputs["value"])).toBe(true);
  });

  it("requires the API key on POST /mcp only; GET, DELETE and OPTIONS reach the function for 405 and CORS", () => {
    const methods = Object.fromEntries(run.ofType("aws:apigateway/method:Method").map((m) => [input<string>(m, "httpMethod"), input<boolean>(m, "apiKeyRequired")]));
    expect(methods).toEqual({ POST: true, GET: false, DELETE: false, OPTIONS: false });
    const integrations = run.ofType("aws:apigateway/integration:Integration");
    expect(integrations).toHaveLength(4);
    for (const integration of integrations) {
      expect(reveal(integration.inputs)).toMatchObject({ type: "AWS_PROXY", integrationHttpMethod: "POST", uri: expect.stringContaining(":function:qc-function/invocations"), timeoutMilliseconds: 29_000 });
    }
    expect(input(one("aws:apigateway/resource:Resource"), "pathPart")).toBe("mcp");
    expect(input(one("aws:apigateway/restApi:RestApi"), "apiKeySource")).toBe("HEADER");
    // Only this API's /mcp may invoke the function.
    expect(reveal(one("aws:lambda/permission:Permission").inputs)).toMatchObject({ principal: "apigateway.amazonaws.com", sourceArn: expect.stringMatching(/\/\*\/\*\/mcp$/) });
  });

  it("limits every key by the usage plan: 100 rps, burst 200, 10,000 a day on the deployed stage", () => {
    expect(reveal(one("aws:apigateway/usagePlan:UsagePlan").inputs)).toMatchObject({
      throttleSettings: { rateLimit: 100, burstLimit: 200 },
      quotaSettings: { limit: 10_000, period: "DAY" },
      apiStages: [{ apiId: "qc-api-id", stage: "v1" }],
    });
    expect(reveal(one("aws:apigateway/usagePlanKey:UsagePlanKey").inputs)).toEqual({ keyId: "qc-key-id", keyType: "API_KEY", usagePlanId: "qc-plan-id" });
    // The stage is redeployed whenever a route's settings change or a method or integration is replaced.
    const trigger = JSON.parse(input<{ routes: string }>(one("aws:apigateway/deployment:Deployment"), "triggers").routes) as { settings: { methods: unknown }; ids: string[][] };
    expect(trigger.settings.methods).toEqual({ POST: true, GET: false, DELETE: false, OPTIONS: false });
    expect(trigger.ids).toEqual(["post", "get", "delete", "options"].map((m) => [`qc-${m}-id`, `qc-${m}-id`]));
  });

  it("alarms on errors and p99 duration near API Gateway's 29 s, to the given topic", () => {
    const alarms = Object.fromEntries(run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [input<string>(a, "metricName"), reveal(a.inputs) as Record<string, unknown>]));
    expect(Object.keys(alarms).sort()).toEqual(["Duration", "Errors"]);
    expect(alarms["Duration"]).toMatchObject({ extendedStatistic: "p99", threshold: 25_000, alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alarms"] });
    expect(alarms["Errors"]).toMatchObject({ statistic: "Sum", alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alarms"] });
  });

  it("outputs the URL clients use: the stage's invoke URL plus /mcp", async () => {
    expect(await valueOf(url)).toBe("https://qc-api-id.execute-api.eu-west-1.amazonaws.com/v1/mcp");
  });
});
