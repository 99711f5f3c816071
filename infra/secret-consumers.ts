/**
 * Which deployed services receive each stack secret: the descriptors whose runtime on any target
 * names it (as a secret variable, or as a Lambda's stored secret), and the backends configured
 * with it. Rotating a secret replaces exactly these, so rotate-secret shows them before
 * `pulumi up`, and the Pulumi program and tests can check it.
 */
import type { StackSecretKey } from "../stacks/secrets.js";
import { SERVICE_CATALOGUE } from "./catalogue.js";
import type { AnyServiceDescriptor, Runtime } from "./descriptor.js";

export type BackendName = "redis" | "qdrant";

/** The secret each backend is configured with (Redis `requirepass` / ElastiCache auth token, Qdrant `api_key`). */
export const BACKEND_SECRETS: Readonly<Record<BackendName, StackSecretKey>> = {
  redis: "redisPassword",
  qdrant: "qdrantApiKey",
};

/** Every stack secret one runtime receives. */
function secretsOf(runtime: Runtime): string[] {
  const keys: string[] = Object.values(runtime.secrets).filter((key): key is NonNullable<typeof key> => key !== undefined);
  if (runtime.shape.kind === "lambda") {
    for (const ref of Object.values(runtime.shape.secretRefs)) {
      if (ref) keys.push(...(typeof ref.value === "string" ? [ref.value] : Object.values(ref.value)));
    }
  }
  return keys;
}

/**
 * Names of the backends and catalogue services that receive `key`, backends first, then in
 * catalogue order. Empty for a secret no container receives (e.g. the deployer's SSH key).
 */
export function secretConsumers(key: StackSecretKey, catalogue: readonly AnyServiceDescriptor[] = SERVICE_CATALOGUE): string[] {
  const backends = (Object.keys(BACKEND_SECRETS) as BackendName[]).filter((backend) => BACKEND_SECRETS[backend] === key);
  const services = catalogue
    .filter((service) => [service.run, ...Object.values(service.runOn ?? {})].some((runtime) => runtime !== undefined && secretsOf(runtime).includes(key)))
    .map((service) => service.name);
  return [...backends, ...services];
}
