/**
 * The contract between infra and the services: for every descriptor of the catalogue and every
 * target it runs on (dev = local, testnet = vps, prod = aws, each stack as written), what the
 * target delivers (environment, secret files or injected secrets) is parsed by that service's
 * own config loader, every variable reaches its configuration, and every secret arrives with its
 * value. Renaming a variable on one side only fails here (and, for most renames, in `tsc`).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "../../../infra/catalogue.js";
import { deploymentsFor, type Deployment } from "../../../infra/deployments.js";
import { installPulumiMocks, settled, type PulumiMockRun } from "../../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../../helpers/stack-files.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { evaluateProdStack } from "../aws/prod-stack.js";
import { deliveryProblems, dockerDelivery, ecsDelivery, lambdaDelivery, type Delivery } from "./delivered-env.js";

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir("qm-env-contract-");
});
afterAll(async () => {
  await temp.remove();
});

async function dockerStack(stack: "dev" | "testnet"): Promise<PulumiMockRun> {
  const { config, secretKeys } = operatorStackConfig(stack);
  const run = await installPulumiMocks(stack, config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../../stacks/load.js");
  const parsed = loadStackConfig();
  if (parsed.target === "local") {
    const { createLocalTarget } = await import("../../../infra/targets/local.js");
    createLocalTarget(parsed, loadStackSecrets(parsed));
  } else if (parsed.target === "vps") {
    const { createVpsTarget } = await import("../../../infra/targets/vps.js");
    createVpsTarget(parsed, loadStackSecrets(parsed), { sshKeyDir: path.join(temp.dir, "ssh") });
  }
  await settled(run);
  return run;
}

describe.each([
  ["dev", "local", "qm-dev"],
  ["testnet", "vps", "qm-testnet"],
] as const)("%s (%s): each service's loader accepts its container's environment and secret files", (stack, target, prefix) => {
  let run: PulumiMockRun;
  beforeAll(async () => {
    run = await dockerStack(stack);
  });

  it.each(deploymentsFor(target, SERVICE_CATALOGUE).map((d) => [d.name, d] as const))("%s", async (name, deployment) => {
    const delivery = await dockerDelivery(run, `${prefix}-${name}`, Object.keys(deployment.runtime.secrets), path.join(temp.dir, stack, name));
    expect(Object.keys(delivery.secrets).sort()).toEqual(Object.keys(deployment.runtime.secrets).sort());
    expect(await deliveryProblems(deployment, delivery)).toEqual([]);
  });
});

describe("prod (aws): each service's loader accepts its task's environment and injected secrets, or its Lambda's", () => {
  let prod: Awaited<ReturnType<typeof evaluateProdStack>>;
  beforeAll(async () => {
    prod = await evaluateProdStack();
  });

  /** The stack secret behind a Secrets Manager reference (`...:secret:qm-prod-secrets-<key>-AbCdEf:::<version>`). */
  const secretValue = (valueFrom: string): string => {
    const key = /:secret:qm-prod-secrets-(\w+)-AbCdEf:::/.exec(valueFrom)?.[1];
    const value = key === undefined ? undefined : (prod.secrets as Record<string, string>)[key];
    if (value === undefined) throw new Error(`no stack secret behind ${valueFrom}`);
    return value;
  };

  function delivered(deployment: Deployment): Delivery {
    switch (deployment.runtime.shape.kind) {
      case "lambda":
        return lambdaDelivery(prod.run, `qm-prod-${deployment.name}-function`);
      case "mcp":
      case "daemon":
      case "job":
      case "queue-worker":
      case "scheduled":
        return ecsDelivery(prod.run, `qm-prod-${deployment.name}-task`, secretValue);
    }
  }

  it.each(deploymentsFor("aws", SERVICE_CATALOGUE).map((d) => [d.name, d] as const))("%s", async (_name, deployment) => {
    expect(await deliveryProblems(deployment, delivered(deployment))).toEqual([]);
  });
});

describe("the check itself", () => {
  const [kbMcp] = deploymentsFor("local", SERVICE_CATALOGUE).filter((d) => d.name === "kb-mcp");
  const good = (): Delivery => ({ env: { QDRANT_URL: "http://qdrant:6333", LOG_LEVEL: "info", MCP_API_KEY: "a-key-of-sixteen-chars" }, secrets: { MCP_API_KEY: "a-key-of-sixteen-chars" } });

  it("passes what the loader reads", async () => {
    expect(await deliveryProblems(kbMcp!, good())).toEqual([]);
  });

  it("fails a variable renamed on the infra side only: the loader never reads it", async () => {
    const renamed = good();
    renamed.env["QDRANT_ENDPOINT"] = renamed.env["QDRANT_URL"]!;
    delete renamed.env["QDRANT_URL"];
    expect(await deliveryProblems(kbMcp!, renamed)).toEqual(["kb-mcp: QDRANT_ENDPOINT is delivered but its loader does not read QDRANT_ENDPOINT"]);
  });

  it("fails a secret file the loader does not resolve, and a value the loader refuses", async () => {
    const file = path.join(temp.dir, "key");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, "a-key-of-sixteen-chars");
    const unresolved: Delivery = { env: { MCP_KEY_FILE: file }, secrets: { MCP_KEY: "a-key-of-sixteen-chars" } };
    expect(await deliveryProblems(kbMcp!, unresolved)).toEqual([
      "kb-mcp: MCP_KEY_FILE is delivered but its loader does not read MCP_KEY",
      "kb-mcp: secret MCP_KEY did not reach its configuration with the delivered value",
    ]);
    const refused: Delivery = { env: { QDRANT_URL: "qdrant:6333" }, secrets: {} };
    expect((await deliveryProblems(kbMcp!, refused))[0]).toMatch(/^kb-mcp: its loader refused the delivery: QDRANT_URL="qdrant:6333": expected an http\(s\) URL$/);
  });
});
