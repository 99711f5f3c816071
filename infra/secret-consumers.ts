/**
 * Which deployed services receive each stack secret: the descriptors whose runtime on any target
 * names it (as a secret variable, or as a Lambda's stored secret), and the backends configured
 * with it. Rotating a secret replaces exactly these, so rotate-secret shows them before
 * `pulumi up`, and the Pulumi program and tests can check it.
 */
import { isStackSecretKey, type StackSecretKey } from "../stacks/secrets.js";
import { SERVICE_CATALOGUE } from "./catalogue.js";
import type { AnyServiceDescriptor, Runtime } from "./descriptor.js";

export type BackendName = "redis" | "qdrant";

/** The secret each backend is configured with (Redis `requirepass` / ElastiCache auth token, Qdrant `api_key`). */
export const BACKEND_SECRETS: Readonly<Record<BackendName, StackSecretKey>> = {
  redis: "redisPassword",
  qdrant: "qdrantApiKey",
};

/** Every stack secret one runtime receives (broker variables excepted: see secretConsumers). */
export function secretsOf(runtime: Runtime): string[] {
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
 * A broker variable (`BINANCE_SPOT_API_KEY`, see broker-secrets.ts) reaches every service whose
 * runtime reads brokers and does not set that variable itself.
 */
export function secretConsumers(key: StackSecretKey | string, catalogue: readonly AnyServiceDescriptor[] = SERVICE_CATALOGUE): string[] {
  const backends = (Object.keys(BACKEND_SECRETS) as BackendName[]).filter((backend) => BACKEND_SECRETS[backend] === key);
  const receives = isStackSecretKey(key)
    ? (runtime: Runtime) => secretsOf(runtime).includes(key)
    : (runtime: Runtime) => runtime.brokers === true && !setsItself(runtime, key);
  const services = catalogue
    .filter((service) => [service.run, ...Object.values(service.runOn ?? {})].some((runtime) => runtime !== undefined && receives(runtime)))
    .map((service) => service.name);
  return [...backends, ...services];
}

/** Whether a runtime sets a variable from its own env or secrets (so the stack's broker value is not delivered). */
export function setsItself(runtime: Runtime, variable: string): boolean {
  return Object.hasOwn(runtime.env, variable) || Object.hasOwn(runtime.secrets, variable);
}
