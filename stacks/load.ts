/**
 * The Pulumi edge of stack configuration: reads the running stack's config once, parses it, and
 * gives the stack's secrets as secret outputs: the operator's value where one is set
 * (`requireSecret`), else the one the stack generates (the GeneratedSecrets component, created
 * here). Only infra/index.ts (and tests and benches standing in for it) calls this.
 */
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecrets } from "../infra/components/generated-secrets.js";
import { secretsNeeded, selectServices } from "../infra/stack-services.js";
import { CONFIG_NAMESPACE, parseStackConfig } from "./parse.js";
import type { StackConfig } from "./schema.js";
import { secretSpec, type GeneratedSecretSpec, type ServiceSecretKey, type StackSecretKey } from "./secrets.js";

/**
 * Secret outputs, one per secret the stack needs (a service that is off needs none of its own,
 * and an optional secret left unset is absent), plus the broker variables it delivers, by their
 * exact names (`BINANCE_SPOT_API_KEY`).
 */
export type StackSecrets = Record<ServiceSecretKey, pulumi.Output<string>> & Partial<Record<StackSecretKey, pulumi.Output<string>>> & Record<string, pulumi.Output<string>>;

export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}

export function loadStackSecrets(config: StackConfig): StackSecrets {
  const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
  const set = new Set(Object.keys(pulumi.runtime.allConfig()).filter((key) => key.startsWith(`${CONFIG_NAMESPACE}:`)).map((key) => key.slice(CONFIG_NAMESPACE.length + 1)));
  const secrets: Record<string, pulumi.Output<string>> = {};
  const generate: Record<string, GeneratedSecretSpec> = {};
  for (const key of secretsNeeded(config.target, selectServices(config.target, config.services).services)) {
    const generated = secretSpec(key).generated;
    if (set.has(key)) secrets[key] = pulumiConfig.requireSecret(key);
    else if (generated) generate[key] = generated;
  }
  if (Object.keys(generate).length > 0) {
    Object.assign(secrets, new GeneratedSecrets("stack-secrets", { secrets: generate, rotations: config.secretRotations }).values);
  }
  for (const variable of config.brokerSecrets) secrets[variable] = pulumiConfig.requireSecret(variable);
  return secrets as StackSecrets;
}
