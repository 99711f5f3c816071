/**
 * Promotion of stack configuration from one environment to the next (dev -> testnet -> prod):
 * which keys to copy, which the destination keeps, which never travel, which secrets the
 * destination still lacks, and what must be refused. Pure: works on {@link StackSnapshot}s, so
 * it is tested without files; stack-file.ts reads and writes them.
 */
import { cidrsOverlap } from "../infra/ipv4.js";
import { BROKER_ENDPOINT_KEYS, brokerEndpointProblems, ENVIRONMENT_IDENTITY_KEYS, NETWORK_RANGE_KEYS } from "./environment-rules.js";
import { PromotionRefusedError, StackConfigError } from "./errors.js";
import { CONFIG_NAMESPACE, parseStackConfig } from "./parse.js";
import { BINANCE_ENDPOINTS, brokerNetworkFor, ENVIRONMENTS, TARGETS, targetSchema, type Environment, type Target } from "./schema.js";
import { isStackSecretKey, secretsForTarget, setSecretCommand } from "./secrets.js";
import type { StackSnapshot } from "./stack-file.js";

/** Provider config namespaces each target's program uses; keys of other namespaces are not copied. */
export const PROVIDER_NAMESPACES: Readonly<Record<Target, readonly string[]>> = {
  local: ["docker"],
  vps: ["aws", "docker", "command"],
  aws: ["aws", "docker"],
};

export interface PromotionOptions {
  /** Allow promoting to an earlier environment (prod -> dev). Default false. */
  force?: boolean;
  /** Replace destination values that differ from the source. Default false: the destination's value wins. */
  overwrite?: boolean;
}

export interface PromotionInput {
  source: StackSnapshot;
  destination: StackSnapshot;
  /** Every other stack of the project: network ranges must not overlap any of them. */
  otherStacks?: readonly StackSnapshot[];
}

export interface PromotionPlan {
  source: string;
  destination: string;
  sourceEnvironment: Environment;
  destinationEnvironment: Environment;
  destinationTarget: Target;
  /** Written to the destination; `previous` is set when --overwrite replaced a different value. */
  copied: { key: string; value: string; previous?: string }[];
  /** Same value on both sides already. */
  unchanged: string[];
  /** The destination has a different value (or an encrypted one) and keeps it. */
  kept: { key: string; sourceValue: string; destinationValue: string }[];
  /** Never copied, with the reason. */
  skipped: { key: string; reason: string }[];
  /** Secrets the destination's target needs that it lacks, with the commands that set them. */
  missingSecrets: { key: string; problem: string; commands: string[] }[];
  /** What `pulumi up` would still refuse after the promotion, and the commands that fix it. */
  remaining: { problems: string[]; commands: string[] };
  /** Things worth knowing that do not stop the promotion. */
  notes: string[];
}

const Q = `${CONFIG_NAMESPACE}:`;
const quantmind = (key: string) => `${Q}${key}`;

/**
 * Plans a promotion, or throws {@link PromotionRefusedError} listing every reason at once: an
 * unknown target or environment, a backwards promotion without `force`, broker endpoints of the
 * wrong network, or a network range another stack uses.
 */
export function planPromotion(input: PromotionInput, options: PromotionOptions = {}): PromotionPlan {
  const { source, destination } = input;
  const refusals: string[] = [];
  if (source.name === destination.name) throw new PromotionRefusedError([`source and destination are the same stack (${source.name}): name two different stacks`]);

  const sourceEnvironment = environmentOf(source, refusals);
  const destinationEnvironment = environmentOf(destination, refusals);
  const destinationTarget = targetOf(destination, refusals);
  if (sourceEnvironment === undefined || destinationEnvironment === undefined || destinationTarget === undefined) {
    throw new PromotionRefusedError(refusals);
  }

  const notes: string[] = [];
  const order = ENVIRONMENTS.indexOf(destinationEnvironment) - ENVIRONMENTS.indexOf(sourceEnvironment);
  if (order < 0 && !options.force) {
    refusals.push(
      `${source.name} (${sourceEnvironment}) -> ${destination.name} (${destinationEnvironment}) goes backwards; promotion runs ${ENVIRONMENTS.join(" -> ")}. ` +
        `Pass --force if you really mean to copy ${sourceEnvironment} settings into ${destinationEnvironment}`,
    );
  } else if (order < 0) {
    notes.push(`backwards promotion (${sourceEnvironment} -> ${destinationEnvironment}) forced with --force`);
  } else if (order > 1) {
    notes.push(`${sourceEnvironment} -> ${destinationEnvironment} skips ${ENVIRONMENTS.slice(ENVIRONMENTS.indexOf(sourceEnvironment) + 1, ENVIRONMENTS.indexOf(destinationEnvironment)).join(", ")}`);
  }

  const plan: PromotionPlan = {
    source: source.name,
    destination: destination.name,
    sourceEnvironment,
    destinationEnvironment,
    destinationTarget,
    copied: [],
    unchanged: [],
    kept: [],
    skipped: [],
    missingSecrets: [],
    remaining: { problems: [], commands: [] },
    notes,
  };
  const destinationKeys = new Set(Object.keys(targetSchema(destinationTarget).shape));
  const sourceKeys = [...new Set([...Object.keys(source.values), ...source.secureKeys])];
  for (const key of sourceKeys) {
    const reason = skipReason(key, source, destination, destinationTarget, destinationKeys);
    if (reason !== undefined) {
      plan.skipped.push({ key, reason });
      continue;
    }
    const value = source.values[key] as string;
    const current = destination.values[key];
    if (destination.secureKeys.has(key)) {
      plan.kept.push({ key, sourceValue: value, destinationValue: "[secure]" });
    } else if (current === undefined) {
      plan.copied.push({ key, value });
    } else if (current === value) {
      plan.unchanged.push(key);
    } else if (options.overwrite) {
      plan.copied.push({ key, value, previous: current });
    } else {
      plan.kept.push({ key, sourceValue: value, destinationValue: current });
    }
  }

  const result: Record<string, string> = { ...destination.values, ...Object.fromEntries(plan.copied.map(({ key, value }) => [key, value])) };
  refusals.push(...brokerRefusals(plan, result));
  refusals.push(...networkRangeRefusals(destination.name, destinationTarget, result, [source, ...(input.otherStacks ?? [])].filter((stack) => stack.name !== destination.name)));
  if (refusals.length > 0) throw new PromotionRefusedError(refusals);

  plan.missingSecrets = missingSecrets(destination, destinationTarget);
  plan.remaining = remainingProblems(destination, destinationTarget, result);
  return plan;
}

function environmentOf(stack: StackSnapshot, refusals: string[]): Environment | undefined {
  const value = stack.values[quantmind("environment")];
  if (ENVIRONMENTS.includes(value as Environment)) return value as Environment;
  refusals.push(
    `Pulumi.${stack.name}.yaml: quantmind:environment is ${value === undefined ? "not set" : JSON.stringify(value)}; ` +
      `set it (pulumi config set --stack ${stack.name} quantmind:environment ${ENVIRONMENTS.join("|")})`,
  );
  return undefined;
}

function targetOf(stack: StackSnapshot, refusals: string[]): Target | undefined {
  const value = stack.values[quantmind("target")];
  if (TARGETS.includes(value as Target)) return value as Target;
  refusals.push(
    `Pulumi.${stack.name}.yaml: quantmind:target is ${value === undefined ? "not set" : JSON.stringify(value)}; ` +
      `set it first, promotion copies only the keys of the destination's target (pulumi config set --stack ${stack.name} quantmind:target ${TARGETS.join("|")})`,
  );
  return undefined;
}

/** Why `key` is not copied, or undefined when it is a candidate for copying. */
function skipReason(key: string, source: StackSnapshot, destination: StackSnapshot, target: Target, targetKeys: ReadonlySet<string>): string | undefined {
  const separator = key.indexOf(":");
  const namespace = separator > 0 ? key.slice(0, separator) : "";
  const name = key.slice(separator + 1);
  if (namespace === "") return "not a namespaced key (expected <namespace>:<key>)";
  if (namespace !== CONFIG_NAMESPACE && !PROVIDER_NAMESPACES[target].includes(namespace)) return `the ${namespace} provider is not used by the ${target} target`;
  if (source.secureKeys.has(key)) {
    return namespace === CONFIG_NAMESPACE && isStackSecretKey(name)
      ? "secret: never copied, each stack has its own"
      : `encrypted value: never copied; if ${destination.name} needs it, run: pulumi config set --secret --stack ${destination.name} ${key}`;
  }
  if (namespace !== CONFIG_NAMESPACE) return undefined;
  if (isStackSecretKey(name)) return `a secret stored in plain text in Pulumi.${source.name}.yaml: never copied (set it as a secret there too)`;
  if (name === "target") return "each stack's own target decides what is deployed";
  if ((ENVIRONMENT_IDENTITY_KEYS as readonly string[]).includes(name)) return "identifies one environment: never copied";
  if ((NETWORK_RANGE_KEYS as readonly string[]).includes(name)) return "a network range: each stack has its own";
  if (!targetKeys.has(name)) return `not a setting of the ${target} target`;
  return undefined;
}

function brokerRefusals(plan: PromotionPlan, result: Record<string, string>): string[] {
  const values = Object.fromEntries(BROKER_ENDPOINT_KEYS.flatMap((key) => (result[quantmind(key)] === undefined ? [] : [[key, result[quantmind(key)]]])));
  const network = brokerNetworkFor(plan.destinationEnvironment);
  return brokerEndpointProblems(plan.destinationEnvironment, values).map(({ key, problem }) => {
    const fromSource = plan.copied.some((entry) => entry.key === quantmind(key));
    const proper = BINANCE_ENDPOINTS[network][key as (typeof BROKER_ENDPOINT_KEYS)[number]];
    return fromSource
      ? `${problem}; the value comes from Pulumi.${plan.source}.yaml. Set ${plan.destination}'s own endpoint first ` +
          `(pulumi config set --stack ${plan.destination} quantmind:${key} ${proper}) and promote again without --overwrite: the destination's value is kept`
      : `Pulumi.${plan.destination}.yaml: ${problem}; remove it (pulumi config rm --stack ${plan.destination} quantmind:${key}) and the ${network} default applies`;
  });
}

/** A stack's network ranges as deployed: its values, or the target's defaults. */
export function effectiveNetworkRanges(target: Target, values: Readonly<Record<string, string>>): { key: string; cidr: string }[] {
  const shape = targetSchema(target).shape as Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } } | undefined>;
  const ranges: { key: string; cidr: string }[] = [];
  for (const key of NETWORK_RANGE_KEYS) {
    const schema = shape[key];
    if (schema === undefined) continue;
    // Existing VPS hosts are not in a VPC the stack creates.
    if (key === "vpsVpcCidr" && values[quantmind("vpsProvision")] === "existing") continue;
    const parsed = schema.safeParse(values[quantmind(key)]);
    if (parsed.success && typeof parsed.data === "string") ranges.push({ key, cidr: parsed.data });
  }
  return ranges;
}

function networkRangeRefusals(destination: string, target: Target, result: Record<string, string>, others: readonly StackSnapshot[]): string[] {
  const refusals: string[] = [];
  const mine = effectiveNetworkRanges(target, result);
  for (const other of others) {
    const otherTarget = other.values[quantmind("target")];
    if (!TARGETS.includes(otherTarget as Target)) continue;
    for (const theirs of effectiveNetworkRanges(otherTarget as Target, other.values)) {
      for (const range of mine) {
        if (!cidrsOverlap(range.cidr, theirs.cidr)) continue;
        const explicit = result[quantmind(range.key)] !== undefined ? "" : " (the default)";
        refusals.push(
          `quantmind:${range.key}=${range.cidr}${explicit} of ${destination} overlaps quantmind:${theirs.key}=${theirs.cidr} of ${other.name}: ` +
            `network ranges are never shared between stacks; choose a free range (pulumi config set --stack ${destination} quantmind:${range.key} <cidr>)`,
        );
      }
    }
  }
  return refusals;
}

function missingSecrets(destination: StackSnapshot, target: Target): PromotionPlan["missingSecrets"] {
  const missing: PromotionPlan["missingSecrets"] = [];
  for (const key of secretsForTarget(target)) {
    const full = quantmind(key);
    if (destination.secureKeys.has(full)) continue;
    if (destination.values[full] !== undefined) {
      missing.push({
        key: full,
        problem: `stored in plain text in Pulumi.${destination.name}.yaml`,
        commands: [`pulumi config rm --stack ${destination.name} ${full}`, setSecretCommand(destination.name, key)],
      });
    } else {
      missing.push({ key: full, problem: "not set", commands: [setSecretCommand(destination.name, key)] });
    }
  }
  return missing;
}

/**
 * What `pulumi up` would still report for the promoted destination, other than the secrets
 * (listed separately). Encrypted values count as set: their plaintext is not known here.
 */
function remainingProblems(destination: StackSnapshot, target: Target, result: Record<string, string>): PromotionPlan["remaining"] {
  const values = { ...result };
  const encrypted: string[] = [];
  for (const key of destination.secureKeys) {
    const name = key.startsWith(Q) ? key.slice(Q.length) : undefined;
    values[key] = "[secure]";
    if (name !== undefined && !isStackSecretKey(name)) encrypted.push(key);
  }
  for (const key of secretsForTarget(target)) values[quantmind(key)] ??= "[secure]";
  try {
    parseStackConfig(destination.name, values);
    return { problems: [], commands: [] };
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    const aboutEncrypted = (line: string) => encrypted.some((key) => new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(line));
    return {
      problems: error.problems.filter((line) => !aboutEncrypted(line)),
      commands: [...new Set(error.commands.filter((line) => !aboutEncrypted(line)))],
    };
  }
}

/** The operator-facing summary of a plan. */
export function formatPromotionSummary(plan: PromotionPlan, written: boolean): string {
  const lines = [`promote ${plan.source} (${plan.sourceEnvironment}) -> ${plan.destination} (${plan.destinationEnvironment}, target ${plan.destinationTarget})`];
  for (const note of plan.notes) lines.push(`note: ${note}`);
  const section = (title: string, entries: string[]) => {
    lines.push(`${title}: ${entries.length === 0 ? "none" : ""}`.trimEnd());
    for (const entry of entries) lines.push(`  ${entry}`);
  };
  section(
    written ? "copied" : "would copy",
    plan.copied.map(({ key, value, previous }) => `${key} = ${value}${previous === undefined ? "" : ` (was ${previous})`}`),
  );
  if (plan.unchanged.length > 0) section("already the same", plan.unchanged);
  section(
    "kept (destination's value wins; --overwrite replaces plain values)",
    plan.kept.map(({ key, sourceValue, destinationValue }) => `${key} = ${destinationValue} (source has ${sourceValue})`),
  );
  section("skipped", plan.skipped.map(({ key, reason }) => `${key}: ${reason}`));
  section(
    "missing secrets",
    plan.missingSecrets.flatMap(({ key, problem, commands }) => [`${key}: ${problem}; run:`, ...commands.map((command) => `  ${command}`)]),
  );
  if (plan.remaining.problems.length > 0) {
    section("still needed before pulumi up", [...plan.remaining.problems, ...(plan.remaining.commands.length > 0 ? ["run:", ...plan.remaining.commands.map((command) => `  ${command}`)] : [])]);
  }
  if (!written && plan.copied.length > 0) lines.push(`dry run: Pulumi.${plan.destination}.yaml not changed`);
  return lines.join("\n");
}
