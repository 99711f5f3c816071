/**
 * Set-up of the container tier: a Docker engine must answer (the run fails otherwise, saying how
 * to start one), and the project's image is built once from the root Dockerfile for all test
 * files. At the end every container, volume and image the run labelled is removed.
 */
import type { TestProject } from "vitest/node";
import { requireEngine } from "./helpers/docker-cli.js";
import { buildImage } from "./helpers/image.js";
import { newRun, removeRun, runLabels, type ContainerRun } from "./helpers/run.js";

declare module "vitest" {
  export interface ProvidedContext {
    containerRun: ContainerRun & { engine: string; buildSeconds: number; revision: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await requireEngine();
  const run = newRun("test");
  try {
    const { seconds, revision } = await buildImage({ tag: run.image, labels: runLabels(run) });
    process.stderr.write(`container tier: Docker ${engine.serverVersion} (API ${engine.apiVersion}); built ${run.image} in ${seconds.toFixed(1)} s\n`);
    project.provide("containerRun", { ...run, engine: engine.serverVersion, buildSeconds: seconds, revision });
  } catch (error) {
    await removeRun(run);
    throw error;
  }
  return () => removeRun(run);
}
