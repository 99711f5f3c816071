/**
 * What a target delivers to a service, read back from the resources it registered under mocks,
 * and the check that the service's own config loader accepts it:
 * - Docker hosts: the container's environment, and its secret files (written to a temp dir with
 *   the values the stack holds, `<VAR>_FILE` pointed at them, as the secrets volume would be);
 * - ECS: the task definition's environment, and its secrets as the values ECS injects;
 * - Lambda: the function's environment (secrets stay ARNs the handler reads at start).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Deployment } from "../../../infra/deployments.js";
import { reveal, type PulumiMockRun } from "../../helpers/pulumi-mocks.js";

export interface Delivery {
  /** Plain variables as delivered (`<VAR>_FILE` paths already pointing at the written files). */
  env: Record<string, string>;
  /** Secret variables -> the value the service must end up with. */
  secrets: Record<string, string>;
}

/**
 * A container's environment and the secret files of `secretVariables` on a Docker host; the
 * files are written under `dir`.
 */
export async function dockerDelivery(run: PulumiMockRun, containerName: string, secretVariables: readonly string[], dir: string): Promise<Delivery> {
  const container = run.ofType("docker:index/container:Container").find((r) => r.inputs["name"] === containerName);
  if (!container) throw new Error(`no container ${containerName}`);
  const env = Object.fromEntries((reveal(container.inputs["envs"]) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const seeder = run.ofType("docker:index/container:Container").find((r) => r.inputs["name"] === `${containerName}-secrets-seeder`);
  const uploads = seeder ? (reveal(seeder.inputs["uploads"]) as { file: string; content: string }[]) : [];
  const secrets: Record<string, string> = {};
  await mkdir(dir, { recursive: true });
  for (const variable of secretVariables) {
    const value = env[`${variable}_FILE`];
    const upload = uploads.find((u) => u.file === value);
    if (value === undefined || !upload) throw new Error(`${containerName}: secret ${variable} is not delivered as ${variable}_FILE pointing at a seeded file`);
    const local = path.join(dir, path.basename(value));
    await writeFile(local, upload.content, { mode: 0o400 });
    env[`${variable}_FILE`] = local;
    secrets[variable] = upload.content;
  }
  return { env, secrets };
}

/** A task definition's container environment, and its secrets with the values ECS would inject. */
export function ecsDelivery(run: PulumiMockRun, taskDefinition: string, secretValue: (valueFrom: string) => string): Delivery {
  const td = run.named("aws:ecs/taskDefinition:TaskDefinition", taskDefinition);
  const [container] = JSON.parse(String(reveal(td.inputs["containerDefinitions"]))) as { environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[] }[];
  const secrets = Object.fromEntries(container!.secrets.map((s) => [s.name, secretValue(s.valueFrom)]));
  return { env: { ...Object.fromEntries(container!.environment.map((e) => [e.name, e.value])), ...secrets }, secrets };
}

/** A Lambda function's environment. */
export function lambdaDelivery(run: PulumiMockRun, functionName: string): Delivery {
  const fn = run.named("aws:lambda/function:Function", functionName);
  return { env: { ...(reveal(fn.inputs["environment"]) as { variables: Record<string, string> }).variables }, secrets: {} };
}

/**
 * Problems with a delivery, by the service's own loader: it must accept the environment, every
 * delivered variable must reach the parsed configuration (a variable the loader does not read
 * would be silently ignored), and every secret must arrive with exactly its value (a `_FILE` the
 * loader does not resolve would leave it unset, or generated). Empty when all is well.
 */
export async function deliveryProblems(deployment: Deployment, delivery: Delivery): Promise<string[]> {
  let parsed: Record<string, unknown>;
  try {
    parsed = (await deployment.descriptor.parse(delivery.env)) as Record<string, unknown>;
  } catch (error) {
    return [`${deployment.name}: its loader refused the delivery: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const variable of Object.keys(delivery.env)) {
    const stripped = variable.slice(0, -"_FILE".length);
    const name = variable.endsWith("_FILE") && stripped in delivery.secrets ? stripped : variable;
    if (parsed[name] === undefined) problems.push(`${deployment.name}: ${variable} is delivered but its loader does not read ${name}`);
  }
  for (const [variable, value] of Object.entries(delivery.secrets)) {
    if (parsed[variable] !== value) problems.push(`${deployment.name}: secret ${variable} did not reach its configuration with the delivered value`);
  }
  return problems;
}
