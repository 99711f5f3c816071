/**
 * Rotating a stack secret: check the key against the stack's target, set the new value
 * encrypted (on pulumi's stdin), show which services will be replaced, and deploy only after the
 * operator agrees. The collaborators are injected, so tests drive it with a fake `pulumi`.
 */
import { secretConsumers } from "../../infra/secret-consumers.js";
import { EmptySecretValueError, NotConfirmedError, StackFileError, UnknownSecretKeyError } from "../../stacks/errors.js";
import { CONFIG_NAMESPACE } from "../../stacks/parse.js";
import { TARGETS, type Target } from "../../stacks/schema.js";
import { isStackSecretKey, secretsForTarget, STACK_SECRETS, type StackSecretKey } from "../../stacks/secrets.js";
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
}

export interface RotationDeps {
  pulumi: Pick<PulumiCli, "currentStack" | "setSecret" | "up">;
  loadStack(name: string): Promise<StackSnapshot>;
  /** Reads the new value (stdin); called only once the key and stack are known to be right. */
  readValue(key: string): Promise<string>;
  /** Asks on the operator's terminal; undefined when there is none. */
  confirm: Confirm | undefined;
  print(line: string): void;
}

export interface RotationResult {
  stack: string;
  key: StackSecretKey;
  consumers: string[];
}

export async function rotateSecret(request: RotationRequest, deps: RotationDeps): Promise<RotationResult> {
  const key = request.key.startsWith(`${CONFIG_NAMESPACE}:`) ? request.key.slice(CONFIG_NAMESPACE.length + 1) : request.key;
  if (!isStackSecretKey(key)) {
    throw new UnknownSecretKeyError(`"${request.key}" is not a stack secret: rotate one of ${Object.keys(STACK_SECRETS).join(", ")}`);
  }
  const stack = request.stack ?? (await deps.pulumi.currentStack());
  const target = (await deps.loadStack(stack)).values[`${CONFIG_NAMESPACE}:target`];
  if (!TARGETS.includes(target as Target)) {
    throw new StackFileError(`Pulumi.${stack}.yaml has no valid quantmind:target; set it first (pulumi config set --stack ${stack} quantmind:target ${TARGETS.join("|")})`);
  }
  const used = secretsForTarget(target as Target);
  if (!used.includes(key)) {
    throw new UnknownSecretKeyError(`quantmind:${key} is not used by stack ${stack} (target ${target}); its secrets are ${used.join(", ")}`);
  }
  if (!request.yes && deps.confirm === undefined) {
    throw new NotConfirmedError("no terminal to ask for confirmation on: pass --yes to set the secret and run pulumi up without asking");
  }

  const value = await deps.readValue(key);
  if (value.trim() === "") {
    throw new EmptySecretValueError(
      `the new value of quantmind:${key} is empty; nothing was changed. Pipe the value on stdin, e.g.: ${STACK_SECRETS[key].source} | npm run rotate-secret -- ${key} --stack ${stack}`,
    );
  }
  await deps.pulumi.setSecret(stack, `${CONFIG_NAMESPACE}:${key}`, value);
  deps.print(`quantmind:${key} set (encrypted) in Pulumi.${stack}.yaml`);

  const consumers = secretConsumers(key);
  deps.print(
    consumers.length > 0
      ? `pulumi up will replace the services that receive it: ${consumers.join(", ")}`
      : `no service receives quantmind:${key}; pulumi up updates the resources that use it`,
  );
  if (!request.yes) {
    const agreed = await (deps.confirm as Confirm)(`Run pulumi up --stack ${stack} now? [y/N] `);
    if (!agreed) {
      throw new NotConfirmedError(
        `not deployed: quantmind:${key} is set in Pulumi.${stack}.yaml, but the services keep the old value until you run: pulumi up --stack ${stack}`,
      );
    }
  }
  await deps.pulumi.up(stack, { yes: request.yes });
  return { stack, key, consumers };
}
