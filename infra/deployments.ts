/**
 * Which runtime of each descriptor a target deploys, checked before any resource exists: the
 * shape must be one the target can run, scaling must fit the shape, and a runtime may wait only
 * for jobs that come before it on the same target. Targets then pick components by shape.
 */
import { DescriptorError } from "./errors.js";
import { runtimeOn, scalingOf, type AnyServiceDescriptor, type HostKind, type Runtime, type ShapeKind, type TargetName } from "./descriptor.js";

/** What each target can run. The Docker hosts have no scheduler and no Lambda. */
export const SHAPES_ON_TARGET: Readonly<Record<TargetName, readonly ShapeKind[]>> = {
  local: ["mcp", "daemon", "job", "queue-worker"],
  vps: ["mcp", "daemon", "job", "queue-worker"],
  aws: ["mcp", "daemon", "job", "scheduled", "lambda", "queue-worker"],
};

/** One service as a target deploys it. */
export interface Deployment {
  name: string;
  description: string;
  host: HostKind;
  runtime: Runtime;
  descriptor: AnyServiceDescriptor;
}

/** The catalogue's deployments on `target`, in catalogue order, validated. */
export function deploymentsFor(target: TargetName, catalogue: readonly AnyServiceDescriptor[]): Deployment[] {
  const deployments: Deployment[] = [];
  const seen = new Set<string>();
  for (const descriptor of catalogue) {
    if (seen.has(descriptor.name)) throw new DescriptorError("DESCRIPTOR_INVALID", `two descriptors are named ${descriptor.name}: service names must be unique`);
    seen.add(descriptor.name);
    const runtime = runtimeOn(descriptor, target);
    if (!runtime) continue;
    const host = descriptor.host ?? "docker";
    if (host === "windows" && target !== "vps") {
      throw new DescriptorError("DESCRIPTOR_INVALID", `${descriptor.name} runs on the Windows host, which only the vps target has; remove ${target} from its targets`);
    }
    checkRuntime(descriptor.name, target, runtime, deployments);
    deployments.push({ name: descriptor.name, description: descriptor.description, host, runtime, descriptor });
  }
  return deployments;
}

function checkRuntime(name: string, target: TargetName, runtime: Runtime, earlier: readonly Deployment[]): void {
  const kind = runtime.shape.kind;
  if (!SHAPES_ON_TARGET[target].includes(kind)) {
    throw new DescriptorError(
      "SHAPE_NOT_ON_TARGET",
      `${name}: the ${target} target cannot run a ${kind} runtime (it runs ${SHAPES_ON_TARGET[target].join(", ")}); give it one for ${target} in runOn, or remove ${target} from its targets`,
    );
  }
  const scaling = scalingOf(runtime);
  if (scaling.signal === "queue-depth") {
    if (kind !== "queue-worker") throw new DescriptorError("DESCRIPTOR_INVALID", `${name}: queue-depth scaling needs a queue-worker runtime, not ${kind}`);
    if (!(scaling.minTasks >= 1 && scaling.maxTasks >= scaling.minTasks && scaling.backlogPerTask > 0)) {
      throw new DescriptorError(
        "DESCRIPTOR_INVALID",
        `${name}: queue-depth scaling needs 1 <= minTasks <= maxTasks and backlogPerTask > 0 (the workers publish the depth, so one must always run); got ${JSON.stringify(scaling)}`,
      );
    }
  }
  if (scaling.signal !== "none" && !runtime.stateless) {
    throw new DescriptorError("DESCRIPTOR_INVALID", `${name}: only a stateless runtime may scale to several tasks; set stateless: true or scaling: { signal: "none" }`);
  }
  if (scaling.signal === "cpu" && kind !== "mcp" && kind !== "daemon") {
    throw new DescriptorError("DESCRIPTOR_INVALID", `${name}: CPU scaling is for mcp and daemon runtimes, not ${kind}`);
  }
  for (const job of runtime.after ?? []) {
    const found = earlier.find((d) => d.name === job);
    if (!found || found.runtime.shape.kind !== "job") {
      throw new DescriptorError("JOB_ORDER", `${name} runs after ${job}, which must be a job on ${target} listed earlier in the catalogue`);
    }
  }
}
