/**
 * Rotating a stack secret: check the key against the stack's target, then either set the new
 * value encrypted (on pulumi's stdin) or, for a secret the stack generates and the operator has
 * not set, bump its rotation counter (`quantmind:secretRotations`, the random resource's
 * keeper); show which services will be replaced, and deploy only after the operator agrees.
 * Broker variables (`BINANCE_SPOT_API_KEY`, see infra/broker-secrets.ts) rotate like any
 * outside secret. The collaborators are injected, so tests drive it with a fake `pulumi`.
 */
import { brokerVariableNames } from "../../infra/broker-secrets.js";
import { secretConsumers } from "../../infra/secret-consumers.js";
import { parseServiceList, servicesOn } from "../../infra/stack-services.js";
import { EmptySecretValueError, NotConfirmedError, StackFileError, UnknownSecretKeyError } from "../../stacks/errors.js";
import { CONFIG_NAMESPACE } from "../../stacks/parse.js";
import { TARGETS, type Target } from "../../stacks/schema.js";
import { isStackSecretKey, secretSpec, secretsForTarget, STACK_SECRETS, type StackSecretKey } from "../../stacks/secrets.js";
import type { StackSnapshot } from "../../stacks/stack-file.js";
import type { PulumiCli } from "./pulumi-cli.js";
import type { Confirm } from "./terminal.js";

export interface RotationRequest {
  /** Secret name, with or without the `quantmind:` prefix. */
  key: string;
  /** Stack name; default: the selected stack. */
  stack?: string;
  /** Deploy without asking (and without pulumi's own prompt). */
  yes: boolean;
  /** For a secret the stack generates: set this value (read from stdin) instead of generating a new one. Default false. */
  set?: boolean;
}

export interface RotationDeps {
  pulumi: Pick<PulumiCli, "currentStack" | "setSecret" | "setValue" | "up">;
  loadStack(name: string): Promise<StackSnapshot>;
  /** Reads the new value (stdin); called only once the key and stack are known to be right. */
  readValue(key: string): Promise<string>;
  /** Asks on the operator's terminal; undefined when there is none. */
  confirm: Confirm | undefined;
  print(line: string): void;
}

export interface RotationResult {
  stack: string;
  /** A stack secret, or a broker variable. */
  key: StackSecretKey | string;
  consumers: string[];
  /** Set when the stack generated the new value: the secret's new rotation count. */
  rotation?: number;
}

const ROTATIONS_KEY = `${CONFIG_NAMESPACE}:secretRotations`;

export async function rotateSecret(request: RotationRequest, deps: RotationDeps): Promise<RotationResult> {
  const key = request.key.startsWith(`${CONFIG_NAMESPACE}:`) ? request.key.slice(CONFIG_NAMESPACE.length + 1) : request.key;
  const isBroker = !isStackSecretKey(key) && brokerVariableNames().has(key);
  if (!isStackSecretKey(key) && !isBroker) {
    throw new UnknownSecretKeyError(
      `"${request.key}" is not a stack secret: rotate one of ${Object.keys(STACK_SECRETS).join(", ")}, or a variable of config/brokers.yaml such as ${[...brokerVariableNames()].slice(0, 3).join(", ")}`,
    );
  }
  const stack = request.stack ?? (await deps.pulumi.currentStack());
  const snapshot = await deps.loadStack(stack);
  const target = snapshot.values[`${CONFIG_NAMESPACE}:target`];
  if (!TARGETS.includes(target as Target)) {
    throw new StackFileError(`Pulumi.${stack}.yaml has no valid quantmind:target; set it first (pulumi config set --stack ${stack} quantmind:target ${TARGETS.join("|")})`);
  }
  // The services this stack runs (quantmind:services; all of the target's when unset or unreadable).
  const chosen = stackServiceNames(snapshot.values[`${CONFIG_NAMESPACE}:services`]);
  const catalogue = servicesOn(target as Target).filter((service) => chosen === undefined || chosen.includes(service.name));
  if (isStackSecretKey(key) ? !secretsForTarget(target as Target).includes(key) : secretConsumers(key, catalogue).length === 0) {
    throw new UnknownSecretKeyError(
      isStackSecretKey(key)
        ? `quantmind:${key} is not used by stack ${stack} (target ${target}); its secrets are ${secretsForTarget(target as Target).join(", ")}`
        : `quantmind:${key} is not used by stack ${stack} (target ${target}): none of its services reads config/brokers.yaml`,
    );
  }
  if (!request.yes && deps.confirm === undefined) {
    throw new NotConfirmedError("no terminal to ask for confirmation on: pass --yes to set the secret and run pulumi up without asking");
  }

  // A generated secret the operator never set gets a new generated value; a set one stays the operator's.
  const fullKey = `${CONFIG_NAMESPACE}:${key}`;
  const operatorValue = fullKey in snapshot.values || snapshot.secureKeys.has(fullKey);
  const regenerate = isStackSecretKey(key) && secretSpec(key).generated !== undefined && !operatorValue && request.set !== true;
  let rotation: number | undefined;
  if (regenerate) {
    const rotations = readRotations(snapshot.values[ROTATIONS_KEY], stack);
    rotation = (rotations[key] ?? 0) + 1;
    await deps.pulumi.setValue(stack, ROTATIONS_KEY, JSON.stringify({ ...rotations, [key]: rotation }));
    deps.print(`quantmind:${key} is generated by the stack: rotation ${rotation} set in quantmind:secretRotations (pulumi up makes the new value)`);
  } else {
    const value = await deps.readValue(key);
    if (value.trim() === "") {
      const source = isStackSecretKey(key) ? STACK_SECRETS[key].source : "(read -rs value && printf %s \"$value\")";
      throw new EmptySecretValueError(`the new value of quantmind:${key} is empty; nothing was changed. Pipe the value on stdin, e.g.: ${source} | npm run rotate-secret -- ${key} --stack ${stack}`);
    }
    await deps.pulumi.setSecret(stack, fullKey, value);
    deps.print(`quantmind:${key} set (encrypted) in Pulumi.${stack}.yaml`);
  }

  const consumers = secretConsumers(key, catalogue);
  deps.print(
    consumers.length > 0
      ? `pulumi up will replace the services that receive it: ${consumers.join(", ")}`
      : `no service receives quantmind:${key}; pulumi up updates the resources that use it`,
  );
  if (!request.yes) {
    const agreed = await (deps.confirm as Confirm)(`Run pulumi up --stack ${stack} now? [y/N] `);
    if (!agreed) {
      throw new NotConfirmedError(
        `not deployed: quantmind:${key} is ${regenerate ? "due a new generated value" : "set"} in Pulumi.${stack}.yaml, but the services keep the old value until you run: pulumi up --stack ${stack}`,
      );
    }
  }
  await deps.pulumi.up(stack, { yes: request.yes });
  return { stack, key, consumers, ...(rotation !== undefined && { rotation }) };
}

function stackServiceNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    return parseServiceList(value);
  } catch {
    // pulumi up reports a malformed list with its fix; here it only narrows the consumers shown.
    return undefined;
  }
}

/** The stack's rotation counters; a malformed value is reported rather than overwritten. */
function readRotations(value: string | undefined, stack: string): Record<string, number> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const valid = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((count) => Number.isInteger(count) && (count as number) >= 0);
  if (!valid) {
    throw new StackFileError(`${ROTATIONS_KEY} in Pulumi.${stack}.yaml is not JSON such as {"redisPassword":1}: fix or remove it (pulumi config rm --stack ${stack} ${ROTATIONS_KEY})`);
  }
  return parsed as Record<string, number>;
}
