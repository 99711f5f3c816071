/**
 * The Pulumi edge of stack configuration: reads the running stack's config once, parses it, and
 * reads the secrets the target needs as secret outputs. Only infra/index.ts calls this.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, parseStackConfig } from "./parse.js";
import type { StackConfig } from "./schema.js";
import { secretsForTarget, type ServiceSecretKey, type StackSecretKey } from "./secrets.js";

/** Secret outputs, one per secret the stack's target uses. */
export type StackSecrets = Record<ServiceSecretKey, pulumi.Output<string>> & Partial<Record<StackSecretKey, pulumi.Output<string>>>;

export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}

export function loadStackSecrets(config: StackConfig): StackSecrets {
  const pulumiConfig = new pulumi.Config(CONFIG_NAMESPACE);
  return Object.fromEntries(secretsForTarget(config.target).map((key) => [key, pulumiConfig.requireSecret(key)])) as StackSecrets;
}
