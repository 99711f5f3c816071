/**
 * Parses a stack's whole Pulumi config map (`quantmind:*`, `aws:*`, ...) into a typed
 * {@link StackConfig}. Every problem is collected, then reported at once with the exact
 * `pulumi config` commands that fix it, so an operator fixes a stack in one pass.
 */
import type { z } from "zod";
import { brokerEndpointProblems } from "./environment-rules.js";
import { StackConfigError } from "./errors.js";
import {
  BINANCE_ENDPOINTS,
  brokerNetworkFor,
  StackConfigSchema,
  TARGETS,
  type StackConfig,
  type Target,
} from "./schema.js";
import { isStackSecretKey, secretSpec, secretsForTarget, setSecretCommand } from "./secrets.js";
import { brokerVariableNames } from "../infra/broker-secrets.js";
import { brokerNeeds, parseServiceList, secretsNeeded, selectServices, servicesOn } from "../infra/stack-services.js";

export const CONFIG_NAMESPACE = "quantmind";

/** Example values shown in `pulumi config set` commands for required keys. */
const EXAMPLE_VALUES: Record<string, string> = {
  target: "local|vps|aws",
  environment: "dev|testnet|prod",
  certificateArn: "arn:aws:acm:<region>:<account>:certificate/<id>",
  vpsOperatorCidrs: "<your-public-ip>/32",
  vpsSshPublicKey: '"$(cat ~/.ssh/quantmind_ed25519.pub)"',
  vpsLinuxAddress: "<linux-host-address>",
  vpsWindowsAddress: "<windows-host-address>",
  embeddingsUrl: "https://<endpoint>/v1",
  embeddingsModel: "<model, e.g. text-embedding-3-small>",
};

/** Splits `quantmind:` keys out of the full config map; other namespaces are providers' own. */
export function projectValues(all: Record<string, string>): Record<string, string> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

export function parseStackConfig(stack: string, all: Record<string, string>): StackConfig {
  const values = projectValues(all);
  const problems: string[] = [];
  const commands: string[] = [];
  const set = (key: string) => `pulumi config set --stack ${stack} ${CONFIG_NAMESPACE}:${key} ${EXAMPLE_VALUES[key] ?? "<value>"}`;

  const target = values["target"];
  if (!TARGETS.includes(target as Target)) {
    problems.push(target === undefined ? "quantmind:target is not set" : `quantmind:target=${JSON.stringify(target)} is not one of ${TARGETS.join(", ")}`);
    commands.push(set("target"));
    throw new StackConfigError(stack, problems, commands);
  }

  // Broker variables (`quantmind:BINANCE_SPOT_API_KEY`) are the brokers file's, not the schema's.
  const brokerVariables = brokerVariableNames();
  const plain = Object.fromEntries(Object.entries(values).filter(([key]) => !isStackSecretKey(key) && !brokerVariables.has(key)));
  const result = StackConfigSchema.safeParse(plain);
  if (!result.success) {
    for (const issue of result.error.issues) describeIssue(issue, plain, target as Target, stack, problems, commands, set);
  }

  const names = serviceNames(values["services"], problems);
  const selection = selectServices(target as Target, names);
  if (selection.problems.length > 0) {
    problems.push(...selection.problems);
    commands.push(`pulumi config set --stack ${stack} ${CONFIG_NAMESPACE}:services ${servicesOn(target as Target).map((service) => service.name).join(",")}`);
  }
  // Secrets the stack generates are never missing; the operator's value, when set, wins.
  for (const key of secretsNeeded(target as Target, selection.services)) {
    const spec = secretSpec(key);
    if (values[key] === undefined && spec.generated === undefined && spec.optional !== true) {
      problems.push(`quantmind:${key} (secret) is not set`);
      commands.push(setSecretCommand(stack, key));
    }
  }
  for (const key of Object.keys(values).filter(isStackSecretKey)) {
    if (!secretsForTarget(target as Target).includes(key)) {
      problems.push(`quantmind:${key} is not used by the ${target} target`);
      commands.push(`pulumi config rm --stack ${stack} ${CONFIG_NAMESPACE}:${key}`);
    }
  }
  const brokers = brokerNeeds(target as Target, selection.services, values);
  for (const { variable, broker } of brokers.missing) {
    problems.push(`quantmind:${variable} (secret) is not set: the enabled broker ${broker} in config/brokers.yaml uses \${${variable}}`);
    commands.push(`(read -rs value && printf %s "$value") | pulumi config set --secret --stack ${stack} ${CONFIG_NAMESPACE}:${variable}`);
  }

  if (result.success) crossFieldChecks(result.data, all, problems, commands, set, stack);
  if (problems.length > 0 || !result.success) throw new StackConfigError(stack, problems, commands);
  const { services: _services, secretRotations, ...parsed } = result.data;
  return {
    ...withBrokerDefaults(parsed),
    services: selection.services.map((service) => service.name),
    secretRotations: secretRotations ?? {},
    brokerSecrets: brokers.deliver,
  } as StackConfig;
}

/** `quantmind:services` as names (undefined: the default, every service); a malformed list is a problem. */
function serviceNames(value: string | undefined, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    return parseServiceList(value);
  } catch {
    problems.push(`quantmind:services=${JSON.stringify(value)}: expected service names separated by commas, or a JSON list of them`);
    return undefined;
  }
}

function describeIssue(
  issue: z.core.$ZodIssue,
  plain: Record<string, string>,
  target: Target,
  stack: string,
  problems: string[],
  commands: string[],
  set: (key: string) => string,
): void {
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) {
      problems.push(`quantmind:${key} is not a setting of the ${target} target`);
      commands.push(`pulumi config rm --stack ${stack} ${CONFIG_NAMESPACE}:${key}`);
    }
    return;
  }
  const key = String(issue.path[0]);
  if (plain[key] === undefined) {
    problems.push(`quantmind:${key} is required for the ${target} target`);
  } else {
    problems.push(`quantmind:${key}=${JSON.stringify(plain[key])}: ${issue.message}`);
  }
  commands.push(set(key));
}

type Parsed = z.output<typeof StackConfigSchema>;

function crossFieldChecks(
  config: Parsed,
  all: Record<string, string>,
  problems: string[],
  commands: string[],
  set: (key: string) => string,
  stack: string,
): void {
  const needsRegion = config.target === "aws" || (config.target === "vps" && config.vpsProvision === "create");
  if (needsRegion && !all["aws:region"]) {
    problems.push(`aws:region is required for the ${config.target} target`);
    commands.push(`pulumi config set --stack ${stack} aws:region <region, e.g. eu-west-1>`);
  }
  if (config.target === "vps") {
    const required = config.vpsProvision === "create" ? (["vpsSshPublicKey"] as const) : (["vpsSshPublicKey", "vpsLinuxAddress", "vpsWindowsAddress"] as const);
    for (const key of required) {
      if (config[key] === undefined) {
        problems.push(`quantmind:${key} is required when quantmind:vpsProvision=${config.vpsProvision}`);
        commands.push(set(key));
      }
    }
  }
  for (const { key, problem } of brokerEndpointProblems(config.environment, config)) {
    problems.push(problem);
    commands.push(`pulumi config rm --stack ${stack} ${CONFIG_NAMESPACE}:${key}`);
  }
  const rotations = config.secretRotations ?? {};
  const notGenerated = (key: string) => !isStackSecretKey(key) || secretSpec(key).generated === undefined;
  for (const key of Object.keys(rotations).filter(notGenerated)) {
    problems.push(`quantmind:secretRotations names ${JSON.stringify(key)}, which is not a secret the stack generates`);
  }
  if (Object.keys(rotations).some(notGenerated)) {
    const kept = Object.fromEntries(Object.entries(rotations).filter(([key]) => !notGenerated(key)));
    commands.push(`pulumi config set --stack ${stack} ${CONFIG_NAMESPACE}:secretRotations '${JSON.stringify(kept)}'`);
  }
  if (config.kbEmbedder === "openai") {
    for (const key of ["embeddingsUrl", "embeddingsModel"] as const) {
      if (config[key] === undefined) {
        problems.push(`quantmind:${key} is required when quantmind:kbEmbedder=openai`);
        commands.push(set(key));
      }
    }
  }
  if (config.target === "aws" && config.mcpMinTasks > config.mcpMaxTasks) {
    problems.push(`quantmind:mcpMinTasks=${config.mcpMinTasks} exceeds quantmind:mcpMaxTasks=${config.mcpMaxTasks}`);
    commands.push(set("mcpMaxTasks"));
  }
}

function withBrokerDefaults<T extends Pick<Parsed, "environment" | "binanceSpotUrl" | "binanceFuturesUrl">>(config: T): T & { binanceSpotUrl: string; binanceFuturesUrl: string } {
  const defaults = BINANCE_ENDPOINTS[brokerNetworkFor(config.environment)];
  return {
    ...config,
    binanceSpotUrl: config.binanceSpotUrl ?? defaults.binanceSpotUrl,
    binanceFuturesUrl: config.binanceFuturesUrl ?? defaults.binanceFuturesUrl,
  };
}
