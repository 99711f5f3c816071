/**
 * Runs policies the way @pulumi/policy's analyzer server does, without starting it: resource
 * inputs wrapped in the SDK's unknown-checking proxy, `isType` by type token, `notApplicable`
 * throwing, and every reportViolation call collected.
 */
import * as policySdk from "@pulumi/policy";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

// Run-time exports of @pulumi/policy that its .d.ts leaves out.
const sdk = policySdk as unknown as { unknownCheckingProxy<T>(value: T): T };

/** The engine's sentinel for a string not known until `pulumi up` (as in a preview). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const isType = (type: string) => (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === type;

class NotApplicable extends Error {}

export interface ResourceResult {
  violations: string[];
  /** The validations that ran (did not declare themselves not applicable). */
  applicable: number;
  /** Validations that could not run because a value was unknown (the engine reports these as advisory). */
  unknown: string[];
}

/** Runs one resource policy on one resource's inputs. `parents` are the component types above it. */
export async function validateResource(
  policy: ResourceValidationPolicy,
  resource: { type: string; name: string; props: Record<string, unknown>; parents?: string[] },
): Promise<ResourceResult> {
  const qualifiedType = [...(resource.parents ?? []), resource.type].join("$");
  const result: ResourceResult = { violations: [], applicable: 0, unknown: [] };
  const props = sdk.unknownCheckingProxy(JSON.parse(JSON.stringify(resource.props)) as Record<string, unknown>);
  const args: ResourceValidationArgs = {
    type: resource.type,
    props,
    urn: `urn:pulumi:prod::quantmind::${qualifiedType}::${resource.name}`,
    name: resource.name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: isType(resource.type) as ResourceValidationArgs["isType"],
    asType: ((resourceClass: unknown) => (isType(resource.type)(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
  const report: ReportViolation = (message) => result.violations.push(message);
  const validations = [policy.validateResource ?? []].flat() as ResourceValidation[];
  for (const validation of validations) {
    try {
      await validation(args, report);
      result.applicable += 1;
    } catch (error) {
      if (error instanceof NotApplicable) continue;
      if ((error as Error).constructor.name === "UnknownValueError") {
        result.unknown.push((error as Error).message);
        continue;
      }
      throw error;
    }
  }
  return result;
}

/** Violations of a resource policy on inputs; fails the test if the policy did not apply. */
export async function violations(policy: ResourceValidationPolicy, resource: Parameters<typeof validateResource>[1]): Promise<string[]> {
  const result = await validateResource(policy, resource);
  if (result.applicable === 0) throw new Error(`${policy.name} does not apply to ${resource.type}`);
  if (result.unknown.length > 0) throw new Error(`${policy.name} could not read: ${result.unknown.join("; ")}`);
  return result.violations;
}

export interface StackResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  parents?: string[];
  /** property -> names of the resources it was computed from */
  dependsOn?: Record<string, string[]>;
}

/** Runs a stack policy on a set of resources (their outputs) linked by property dependencies. */
export async function validateStack(policy: StackValidationPolicy, resources: StackResource[]): Promise<{ message: string; resource?: string }[]> {
  const byName = new Map<string, PolicyResource>();
  const urnToName = new Map<string, string>();
  for (const r of resources) {
    const props = sdk.unknownCheckingProxy(JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>);
    const urn = `urn:pulumi:prod::quantmind::${[...(r.parents ?? []), r.type].join("$")}::${r.name}`;
    const resource = {
      type: r.type,
      name: r.name,
      urn,
      props,
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: isType(r.type),
      asType: (resourceClass: unknown) => (isType(r.type)(resourceClass) ? props : undefined),
    } as unknown as PolicyResource;
    if (byName.has(r.name)) throw new Error(`two resources named ${r.name}: give each a unique name`);
    byName.set(r.name, resource);
    urnToName.set(urn, r.name);
  }
  for (const r of resources) {
    const resource = byName.get(r.name) as PolicyResource;
    for (const [property, names] of Object.entries(r.dependsOn ?? {})) {
      resource.propertyDependencies[property] = names.map((name) => {
        const dependency = byName.get(name);
        if (dependency === undefined) throw new Error(`${r.name} depends on unknown resource ${name}`);
        return dependency;
      });
      resource.dependencies.push(...resource.propertyDependencies[property]);
    }
  }
  const found: { message: string; resource?: string }[] = [];
  const args: StackValidationArgs = {
    resources: [...byName.values()],
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
  await policy.validateStack(args, (message, urn) => found.push({ message, ...(urn === undefined ? {} : { resource: urnToName.get(urn) }) }));
  return found;
}
