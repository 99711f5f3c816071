/**
 * What one stack deploys: the catalogue services it turns on (`quantmind:services`, default every
 * service its target runs), the stack secrets those services and the target need, and the
 * catalogue the target is given: only the chosen services, each broker-reading runtime with the
 * stack's broker variables added to its secrets, and optional secrets the operator left unset
 * dropped. A service that is off deploys nothing and needs none of its secrets.
 */
import { secretSpec, secretsForTarget, type ServiceSecretKey, type StackSecretKey } from "../stacks/secrets.js";
import { brokerSecretNeeds, type BrokerSecretNeeds } from "./broker-secrets.js";
import { SERVICE_CATALOGUE } from "./catalogue.js";
import { runtimeOn, type AnyServiceDescriptor, type Runtime, type TargetName } from "./descriptor.js";
import { secretsOf, setsItself } from "./secret-consumers.js";

/** The catalogue services that run on `target`, in catalogue order. */
export function servicesOn(target: TargetName, catalogue: readonly AnyServiceDescriptor[] = SERVICE_CATALOGUE): AnyServiceDescriptor[] {
  return catalogue.filter((service) => runtimeOn(service, target) !== undefined);
}

export interface ServiceSelection {
  services: AnyServiceDescriptor[];
  /** Why the list cannot be used (unknown names, a job left out); empty when it can. */
  problems: string[];
}

/**
 * The services `names` choose on `target` (undefined: all of them). Unknown names, services the
 * target does not run, and a service without the job it runs after are problems naming the list
 * of known services.
 */
export function selectServices(target: TargetName, names: readonly string[] | undefined, catalogue: readonly AnyServiceDescriptor[] = SERVICE_CATALOGUE): ServiceSelection {
  const available = servicesOn(target, catalogue);
  if (names === undefined) return { services: available, problems: [] };
  const known = available.map((service) => service.name);
  const problems: string[] = [];
  for (const name of names) {
    if (known.includes(name)) continue;
    const elsewhere = catalogue.some((service) => service.name === name);
    problems.push(`quantmind:services names ${JSON.stringify(name)}, ${elsewhere ? `which the ${target} target does not run` : "which is not a service"}; the ${target} target runs ${known.join(", ")}`);
  }
  const services = available.filter((service) => names.includes(service.name));
  for (const service of services) {
    for (const job of runtimeOn(service, target)!.after ?? []) {
      if (!names.includes(job)) problems.push(`quantmind:services has ${service.name} without ${job}, which it runs after: add ${job}`);
    }
  }
  return { services, problems };
}

/** Parses `quantmind:services`: comma-separated names, or the JSON list `pulumi config set --path` writes. */
export function parseServiceList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) throw new SyntaxError("expected a list of service names");
    return parsed.map((item) => item.trim()).filter(Boolean);
  }
  return trimmed.split(",").map((item) => item.trim()).filter(Boolean);
}

/**
 * The stack secrets a stack needs: those its target always uses, and those a chosen service
 * receives on that target. Each is either set by the operator or generated (see
 * stacks/secrets.ts); an outside secret that is neither is missing.
 */
export function secretsNeeded(target: TargetName, services: readonly AnyServiceDescriptor[]): StackSecretKey[] {
  const received = new Set(services.flatMap((service) => secretsOf(runtimeOn(service, target)!)));
  return secretsForTarget(target).filter((key) => secretSpec(key).always === true || received.has(key));
}

/** The broker variables the chosen services' broker-reading runtimes need from the stack. */
export function brokerNeeds(target: TargetName, services: readonly AnyServiceDescriptor[], values: Readonly<Record<string, string>>): BrokerSecretNeeds {
  const readers = services.map((service) => runtimeOn(service, target)!).filter((runtime) => runtime.brokers === true);
  if (readers.length === 0) return { deliver: [], missing: [] };
  // A variable every reader sets itself needs nothing from the stack.
  const provided = (name: string) => readers.every((runtime) => setsItself(runtime, name));
  const own = new Set(readers.flatMap((runtime) => [...Object.keys(runtime.env), ...Object.keys(runtime.secrets)]).filter(provided));
  return brokerSecretNeeds(values, own);
}

/**
 * The catalogue a target deploys for this stack: the chosen services, with each runtime's
 * secrets limited to those the stack has (`available`: an optional secret left unset is not
 * delivered) plus, on a broker-reading runtime, the stack's broker variables.
 */
export function stackCatalogue(
  target: TargetName,
  services: readonly AnyServiceDescriptor[],
  available: ReadonlySet<string>,
  brokerSecrets: readonly string[],
): AnyServiceDescriptor[] {
  const adapt = (runtime: Runtime): Runtime => {
    const secrets = Object.fromEntries(Object.entries(runtime.secrets).filter(([, key]) => key !== undefined && available.has(key)));
    if (runtime.brokers === true) {
      for (const variable of brokerSecrets) if (!setsItself(runtime, variable)) secrets[variable] = variable as ServiceSecretKey;
    }
    return { ...runtime, secrets };
  };
  return services.map((service) => {
    const runtime = runtimeOn(service, target)!;
    return { ...service, targets: [target], run: adapt(runtime), runOn: {} };
  });
}
