/**
 * Which deployed services receive each stack secret: the catalogue entries whose `secrets` map
 * names it, and the backends configured with it. Rotating a secret replaces exactly these, so
 * rotate-secret shows them before `pulumi up`, and the Pulumi program and tests can check it.
 */
import type { StackSecretKey } from "../stacks/secrets.js";
import { SERVICE_CATALOGUE, type ServiceDefinition } from "./catalogue.js";

export type BackendName = "redis" | "qdrant";

/** The secret each backend is configured with (Redis `requirepass` / ElastiCache auth token, Qdrant `api_key`). */
export const BACKEND_SECRETS: Readonly<Record<BackendName, StackSecretKey>> = {
  redis: "redisPassword",
  qdrant: "qdrantApiKey",
};

/**
 * Names of the backends and catalogue services that receive `key`, backends first, then in
 * catalogue order. Empty for a secret no container receives (e.g. the deployer's SSH key).
 */
export function secretConsumers(key: StackSecretKey, catalogue: readonly ServiceDefinition[] = SERVICE_CATALOGUE): string[] {
  const backends = (Object.keys(BACKEND_SECRETS) as BackendName[]).filter((backend) => BACKEND_SECRETS[backend] === key);
  const services = catalogue.filter((service) => (Object.values(service.secrets) as string[]).includes(key)).map((service) => service.name);
  return [...backends, ...services];
}
