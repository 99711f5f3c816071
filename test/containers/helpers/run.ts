/**
 * One run of the container tier (or of the container benchmark): an id that names and labels
 * every container, volume and image the run creates, so that all of it can be removed at the end.
 */
import { randomBytes } from "node:crypto";
import { docker } from "./docker-cli.js";

/** Label on everything the container tests and benchmark create; the value is the run id. */
export const RUN_LABEL = "org.quantmind.test.run";

export interface ContainerRun {
  id: string;
  /** The image built from the root Dockerfile for this run. */
  image: string;
}

export function newRun(kind: "test" | "bench"): ContainerRun {
  const id = `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  return { id, image: `quantmind:${id}` };
}

/** `--label` arguments for `docker build`, `docker create` and `docker volume create`. */
export function runLabels(run: Pick<ContainerRun, "id">): string[] {
  return ["--label", `${RUN_LABEL}=${run.id}`];
}

/** A container or volume name unique to the run, e.g. `qm-test-lx3k-1a2b3c-kb-mcp`. */
export function resourceName(run: Pick<ContainerRun, "id">, role: string): string {
  return `qm-${run.id}-${role}`;
}

export async function createVolume(run: Pick<ContainerRun, "id">, role: string): Promise<string> {
  const name = resourceName(run, role);
  await docker(["volume", "create", ...runLabels(run), name]);
  return name;
}

/**
 * Removes the run's containers, then its volumes, then its image tag (with the layers only that
 * image used, unless another tag still holds it, as the tier's cache tag does).
 */
export async function removeRun(run: ContainerRun): Promise<void> {
  const filter = ["--filter", `label=${RUN_LABEL}=${run.id}`];
  const containers = (await docker(["ps", "-aq", ...filter])).stdout.split("\n").filter(Boolean);
  if (containers.length > 0) await docker(["rm", "-f", "-v", ...containers]);
  const volumes = (await docker(["volume", "ls", "-q", ...filter])).stdout.split("\n").filter(Boolean);
  if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes]);
  await docker(["rmi", run.image], { allowFailure: true });
}
