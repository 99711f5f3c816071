/**
 * Set-up of the container tier: a Docker engine must answer (the run fails otherwise, saying how
 * to start one), and the project's image is built once from the root Dockerfile for all test
 * files. At the end every container and volume the run labelled is removed, and its image tag;
 * the build itself stays as the next run's cache under TIER_CACHE_TAGS, replacing the previous one.
 */
import type { TestProject } from "vitest/node";
import { docker, requireEngine } from "./helpers/docker-cli.js";
import { buildImage, firstStageImageId, imageId, TIER_CACHE_TAGS } from "./helpers/image.js";
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
    const cache = [TIER_CACHE_TAGS.buildStage, TIER_CACHE_TAGS.image];
    const previous = await Promise.all(cache.map(imageId));
    const built = await buildImage({ tag: run.image, extraTags: [TIER_CACHE_TAGS.image], labels: runLabels(run) });
    // The build stage gets a tag too: nothing else would keep it, and with it the cache, alive.
    const stage = firstStageImageId(built.output);
    if (stage !== undefined) await docker(["tag", stage, TIER_CACHE_TAGS.buildStage]);
    const current = await Promise.all(cache.map(imageId));
    for (const id of previous) if (id !== undefined && !current.includes(id)) await docker(["rmi", id], { allowFailure: true });
    const { seconds: buildSeconds, revision } = built;
    process.stderr.write(`container tier: Docker ${engine.serverVersion} (API ${engine.apiVersion}); built ${run.image} in ${buildSeconds.toFixed(1)} s\n`);
    project.provide("containerRun", { ...run, engine: engine.serverVersion, buildSeconds, revision });
  } catch (error) {
    await removeRun(run);
    throw error;
  }
  return () => removeRun(run);
}
