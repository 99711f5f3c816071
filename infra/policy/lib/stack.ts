/** Helpers for stack-level policies, which see every resource with its outputs and dependencies. */
import type { PolicyResource } from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";

type ResourceClass = new (...args: never[]) => Resource;

export function ofType(resources: readonly PolicyResource[], resourceClass: ResourceClass): PolicyResource[] {
  return resources.filter((resource) => resource.isType(resourceClass as new (...rest: unknown[]) => Resource));
}

/** The resources `resource`'s `property` was computed from (e.g. a subnet group's subnets). */
export function propertyDependencies(resource: PolicyResource, property: string, resourceClass?: ResourceClass): PolicyResource[] {
  const dependencies = resource.propertyDependencies[property] ?? [];
  return resourceClass === undefined ? dependencies : ofType(dependencies, resourceClass);
}

/** How a resource is named in a stack-level message. */
export function label(resource: PolicyResource): string {
  return `${resource.type.split(":").at(-1)} "${resource.name}"`;
}
