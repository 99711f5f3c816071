/**
 * Evaluates the prod stack (Pulumi.prod.yaml as written, plus this file's certificate and secret
 * values) under Pulumi mocks, through the same edge functions infra/index.ts uses: config parsed
 * by parseStackConfig, secrets read with requireSecret by loadStackSecrets, then createAwsTarget.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { AnyServiceDescriptor } from "../../../infra/descriptor.js";
import type { AwsDeployedTarget } from "../../../infra/targets/aws.js";
import type { AwsStackConfig } from "../../../stacks/schema.js";
import { installPulumiMocks, settled, type PulumiMockOptions, type PulumiMockRun } from "../../helpers/pulumi-mocks.js";

/** The secrets an operator sets for prod; distinctive, so a leak is unmistakable. */
export const TEST_SECRETS = {
  qdrantApiKey: "qdrant-test-key-7c1e9a0b2d4f6a8c",
  redisPassword: "redis-test-token-3b5d7f9a1c2e4a6b",
  kbMcpApiKey: "kb-mcp-test-key-9e8d7c6b5a4f3e2d",
  backtestMcpApiKey: "backtest-mcp-test-key-2a4c6e8f0b1d3f5a",
  agentMcpApiKey: "agent-mcp-test-key-6d8f0a2c4e6b8d0f",
  qcUserId: "31337001",
  qcApiToken: "qc-test-token-0a1b2c3d4e5f6a7b",
  qcMcpApiKey: "qc-mcp-test-key-5f4e3d2c1b0a9f8e",
  embeddingsApiKey: "embeddings-test-key-8b0d2f4a6c8e0a2c",
} as const;

export type TestSecretKey = keyof typeof TEST_SECRETS;

export const TEST_CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

/** What a handler bundle looks like to Pulumi; the real one comes from the descriptor's bundler (scripts/build-qc-lambda.ts for qc-mcp). */
export function tinyLambdaArchive(): pulumi.asset.Archive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({ statusCode: 204, body: '' });\n") });
}

/** Pulumi.prod.yaml's `config:` map, values as the strings Pulumi stores. */
export function prodStackFile(): Record<string, string> {
  const file = parse(readFileSync(new URL("../../../Pulumi.prod.yaml", import.meta.url), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key, String(value)]));
}

export interface ProdStackRun {
  run: PulumiMockRun;
  config: AwsStackConfig;
  target: AwsDeployedTarget;
  secrets: Record<TestSecretKey, string>;
}

export async function evaluateProdStack(
  options: {
    /** Extra or changed `quantmind:` / `aws:` config. */
    config?: Record<string, string>;
    secrets?: Partial<Record<TestSecretKey, string>>;
    catalogue?: readonly AnyServiceDescriptor[];
    mocks?: PulumiMockOptions;
    /** Build each Lambda with its descriptor's bundler, as the program does; default a tiny archive. */
    realBundles?: boolean;
  } = {},
): Promise<ProdStackRun> {
  const secrets = { ...TEST_SECRETS, ...options.secrets };
  const all = {
    ...prodStackFile(),
    "quantmind:certificateArn": TEST_CERTIFICATE_ARN,
    ...Object.fromEntries(Object.entries(secrets).map(([key, value]) => [`quantmind:${key}`, value])),
    ...options.config,
  };
  const run = await installPulumiMocks("prod", all, Object.keys(secrets).map((key) => `quantmind:${key}`), options.mocks);
  const { parseStackConfig } = await import("../../../stacks/parse.js");
  const { loadStackSecrets } = await import("../../../stacks/load.js");
  const { createAwsTarget } = await import("../../../infra/targets/aws.js");
  const config = parseStackConfig("prod", all);
  if (config.target !== "aws") throw new Error(`Pulumi.prod.yaml targets ${config.target}, expected aws`);
  const target = createAwsTarget(config, loadStackSecrets(config), {
    ...(!options.realBundles && { lambdaArchive: () => tinyLambdaArchive() }),
    ...(options.catalogue && { catalogue: options.catalogue }),
  });
  await settled(run);
  return { run, config, target, secrets };
}
