/**
 * Broker secrets end to end: a variable of an enabled broker in config/brokers.yaml, set with
 * `pulumi config set --secret quantmind:<VAR>`, reaches the strategy agent (the catalogue's
 * broker reader, `brokers: true`) as a file on local and vps and by Secrets Manager reference on
 * aws, and no other service; a missing one stops the program with the command that sets it.
 */
import { describe, expect, it, vi } from "vitest";
import { brokerNeeds, stackCatalogue } from "../../infra/stack-services.js";
import { kbMcpDeploy } from "../../services/kb/deploy.js";
import { installPulumiMocks, secretOccurrences, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { deployStackProgram } from "../helpers/stack-program.js";
import { operatorStackConfig } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { evaluateProdStack, prodStackFile, TEST_CERTIFICATE_ARN, TEST_SECRETS } from "./aws/prod-stack.js";

const API_KEY = "binance-spot-key-5c2e8a1f7b3d9e04";
const API_SECRET = "binance-spot-secret-9d1f3b5a7c2e4f60";
const BROKER_CONFIG = { "quantmind:BINANCE_SPOT_ENABLED": "true", "quantmind:BINANCE_SPOT_API_KEY": API_KEY, "quantmind:BINANCE_SPOT_API_SECRET": API_SECRET };
const BROKER_SECRETS = ["quantmind:BINANCE_SPOT_API_KEY", "quantmind:BINANCE_SPOT_API_SECRET"];

/** The stack through the program's own path: config, secrets, the stack's catalogue, the target. */
async function deploy(stack: "dev" | "testnet", extra: Record<string, string>): Promise<PulumiMockRun> {
  const { config, secretKeys } = operatorStackConfig(stack);
  return deployStackProgram(stack, { ...config, ...extra }, [...secretKeys, ...BROKER_SECRETS]);
}

/** Resource names (without property paths) where a value appears. */
const holders = (run: PulumiMockRun, value: string) => [...new Set(secretOccurrences(run.resources, [value]).map((o) => `${o.where.split(".")[0]}${o.wrapped ? "" : " (plain)"}`))].sort();

describe.each(["dev", "testnet"] as const)("broker secrets on %s", (stack) => {
  it("arrive at the strategy agent as VAR_FILE, and at no other container", async () => {
    const home = await makeTempDir();
    vi.stubEnv("HOME", home.dir);
    try {
      const run = await deploy(stack, BROKER_CONFIG);
      expect(holders(run, API_KEY)).toEqual(["docker:index/container:Container strategy-agent-container-secrets"]);
      expect(holders(run, API_SECRET)).toEqual(["docker:index/container:Container strategy-agent-container-secrets"]);
      const containers = run.ofType("docker:index/container:Container").filter((r) => JSON.stringify(r.inputs).includes("BINANCE_SPOT_API_KEY_FILE="));
      expect(containers.map((r) => r.name)).toEqual(["strategy-agent-container"]);
    } finally {
      vi.unstubAllEnvs();
      await home.remove();
    }
  });
});

describe("broker secrets on prod (aws)", () => {
  it("reach the strategy agent's task by Secrets Manager reference, and no other task", async () => {
    // The catalogue createTarget would hand the aws target for this stack (targetCatalogue), with the tiny Lambda archive of the aws tests.
    const { parseStackConfig } = await import("../../stacks/parse.js");
    const { selectServices } = await import("../../infra/stack-services.js");
    const parsed = parseStackConfig("prod", await prodAll());
    const available = new Set([...Object.keys(TEST_SECRETS), ...parsed.brokerSecrets]);
    const catalogue = stackCatalogue("aws", selectServices("aws", parsed.services).services, available, parsed.brokerSecrets);
    const { run, config } = await evaluateProdStack({ config: BROKER_CONFIG, catalogue });
    expect(config.brokerSecrets).toEqual(["BINANCE_SPOT_API_KEY", "BINANCE_SPOT_API_SECRET", "BINANCE_SPOT_ENABLED"]);
    expect(holders(run, API_KEY)).toEqual(["aws:secretsmanager/secretVersion:SecretVersion qm-prod-secrets-BINANCE_SPOT_API_KEY-value"]);
    const referencing = run
      .ofType("aws:ecs/taskDefinition:TaskDefinition")
      .filter((task) => JSON.stringify(task.inputs).includes("secret:qm-prod-secrets-BINANCE_SPOT_API_KEY"))
      .map((task) => task.name);
    expect(referencing).toEqual(["qm-prod-strategy-agent-task"]);
    const agent = JSON.stringify(run.named("aws:ecs/taskDefinition:TaskDefinition", "qm-prod-strategy-agent-task").inputs);
    expect(agent).toMatch(/\\"name\\":\\"BINANCE_SPOT_API_SECRET\\",\\"valueFrom\\":\\"arn:aws:secretsmanager:[^"\\]+qm-prod-secrets-BINANCE_SPOT_API_SECRET/);
  });
});

async function prodAll(): Promise<Record<string, string>> {
  return {
    ...prodStackFile(),
    "quantmind:certificateArn": TEST_CERTIFICATE_ARN,
    ...Object.fromEntries(Object.entries(TEST_SECRETS).map(([key, value]) => [`quantmind:${key}`, value])),
    ...BROKER_CONFIG,
  };
}

describe("broker secrets the stack lacks", () => {
  it("stop the program with the exact command, naming the broker; a broker that is off needs none", async () => {
    const { config, secretKeys } = operatorStackConfig("dev");
    await installPulumiMocks("dev", { ...config, "quantmind:BINANCE_SPOT_ENABLED": "true", "quantmind:BINANCE_SPOT_API_KEY": API_KEY }, secretKeys);
    const { loadStackConfig } = await import("../../stacks/load.js");
    expect(() => loadStackConfig()).toThrow(
      "quantmind:BINANCE_SPOT_API_SECRET (secret) is not set: the enabled broker binance_spot in config/brokers.yaml uses ${BINANCE_SPOT_API_SECRET}\nrun:\n  (read -rs value && printf %s \"$value\") | pulumi config set --secret --stack dev quantmind:BINANCE_SPOT_API_SECRET",
    );
  });

  it("go to a made-up broker-reading service too, and only to broker readers", () => {
    const reader = { ...kbMcpDeploy, name: "made-up-trader", run: { ...kbMcpDeploy.run, brokers: true, after: [] } };
    const needs = brokerNeeds("local", [kbMcpDeploy, reader], { BINANCE_FUTURES_ENABLED: "true", BINANCE_FUTURES_API_KEY: API_KEY });
    expect(needs.missing).toEqual([{ variable: "BINANCE_FUTURES_API_SECRET", broker: "binance_futures" }]);
    const catalogue = stackCatalogue("local", [kbMcpDeploy, reader], new Set(["qdrantApiKey", "kbMcpApiKey", ...needs.deliver]), needs.deliver);
    expect(catalogue.map((service) => service.run.secrets)).toEqual([
      { QDRANT_API_KEY: "qdrantApiKey", MCP_API_KEY: "kbMcpApiKey" },
      { QDRANT_API_KEY: "qdrantApiKey", MCP_API_KEY: "kbMcpApiKey", BINANCE_FUTURES_API_KEY: "BINANCE_FUTURES_API_KEY", BINANCE_FUTURES_ENABLED: "BINANCE_FUTURES_ENABLED" },
    ]);
  });
});
