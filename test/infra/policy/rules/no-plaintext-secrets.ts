/** no-secrets-in-plain-env: Docker envs, ECS task definition environment, Lambda environment. */
import { describe, expect, it } from "vitest";
import { noPlaintextSecrets } from "../../../../infra/policy/rules/no-plaintext-secrets.js";
import { UNKNOWN_STRING, validateResource, violations } from "../harness.js";

const container = (envs: string[]) => ({
  type: "docker:index/container:Container",
  name: "kb-mcp-container",
  props: { name: "qm-dev-kb-mcp", image: "quantmind:dev", envs, uploads: [{ file: "/run/secrets/MCP_API_KEY", content: "[secret]" }] },
});

const task = (environment: { name: string; value: string }[], secrets: { name: string; valueFrom: string }[] = []) => ({
  type: "aws:ecs/taskDefinition:TaskDefinition",
  name: "kb-mcp-task",
  props: {
    family: "kb-mcp",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "1024",
    memory: "2048",
    containerDefinitions: JSON.stringify([{ name: "kb-mcp", image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/quantmind:abc", essential: true, environment, secrets }]),
  },
});

const lambda = (variables: Record<string, string>) => ({
  type: "aws:lambda/function:Function",
  name: "qc-mcp-function",
  props: { runtime: "nodejs20.x", handler: "index.handler", role: "arn:aws:iam::123456789012:role/qc", environment: { variables } },
});

describe("no-secrets-in-plain-env", () => {
  it("Docker: passes plain settings and *_FILE pointers; refuses a secret-looking variable", async () => {
    expect(await violations(noPlaintextSecrets, container(["QDRANT_URL=http://qdrant:6333", "KB_COLLECTION=mql5_articles", "MCP_API_KEY_FILE=/run/secrets/MCP_API_KEY"]))).toEqual([]);
    expect(await violations(noPlaintextSecrets, container(["LOG_LEVEL=info", "MCP_API_KEY=0123456789abcdef", "redis_password=hunter2"]))).toEqual([
      "container environment variable MCP_API_KEY looks like a secret: deliver it as a file (uploads under /run/secrets) and set MCP_API_KEY_FILE to its path",
      "container environment variable redis_password looks like a secret: deliver it as a file (uploads under /run/secrets) and set redis_password_FILE to its path",
    ]);
  });

  it("Docker: an environment entry not known during preview is left to pulumi up, not passed", async () => {
    const result = await validateResource(noPlaintextSecrets, container([UNKNOWN_STRING]));
    expect(result.unknown).toHaveLength(1);
    expect(result.violations).toEqual([]);
  });

  it("ECS: passes secrets injected through `secrets`; refuses them in `environment`", async () => {
    const secretsManager = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:qm/kbMcpApiKey-AbCdEf";
    expect(await violations(noPlaintextSecrets, task([{ name: "QDRANT_URL", value: "http://qdrant.qm.local:6333" }], [{ name: "MCP_API_KEY", valueFrom: secretsManager }]))).toEqual([]);
    expect(await violations(noPlaintextSecrets, task([{ name: "QDRANT_API_KEY", value: "0123456789abcdef" }, { name: "PASSPHRASE_ARN", value: secretsManager }]))).toEqual([
      'container "kb-mcp" has QDRANT_API_KEY in plain environment: move it to "secrets" ({ name: "QDRANT_API_KEY", valueFrom: <Secrets Manager or SSM ARN> }) so ECS injects it at start',
    ]);
  });

  it("ECS: a container definition that is not JSON is reported, not skipped", async () => {
    const broken = task([]);
    broken.props.containerDefinitions = "[{ name: kb-mcp }";
    expect((await violations(noPlaintextSecrets, broken))[0]).toMatch(/^containerDefinitions is not valid JSON/);
  });

  it("Lambda: passes *_ARN pointers; refuses a key in plain environment", async () => {
    expect(await violations(noPlaintextSecrets, lambda({ LOG_LEVEL: "info", QC_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:qc-AbCdEf" }))).toEqual([]);
    expect(await violations(noPlaintextSecrets, lambda({ MCP_API_KEY: "0123456789abcdef0123", QC_API_TOKEN: "tok" }))).toEqual([
      "Lambda environment variable MCP_API_KEY looks like a secret, and Lambda environment is readable with lambda:GetFunctionConfiguration: keep the value in Secrets Manager, pass its ARN (e.g. MCP_API_KEY_ARN) and read it in the handler at start",
      "Lambda environment variable QC_API_TOKEN looks like a secret, and Lambda environment is readable with lambda:GetFunctionConfiguration: keep the value in Secrets Manager, pass its ARN (e.g. QC_API_TOKEN_ARN) and read it in the handler at start",
    ]);
  });
});
