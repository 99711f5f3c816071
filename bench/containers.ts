/**
 * `npm run bench -- containers`: the service image and its containers on a real Docker engine
 * (here: start one with ../shared/tools/docker-lab.sh, as root). Builds the committed tree
 * (`git archive HEAD`), so the figures do not depend on uncommitted work. Prints the image size,
 * three build times (cold: no layer cache, the base images present; cached: nothing changed;
 * after a source change: one line added to services/cli.ts), the kb-indexer job's run time on one
 * category, and each daemon's time from start to healthy, as the engine recorded it. Removes
 * everything it created, build layers included (every image that was not on the engine before
 * it started, so run it alone); takes about five minutes on two cores.
 */
import { execFile } from "node:child_process";
import { appendFile, cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { containerLogs, inspect } from "../test/containers/helpers/containers.js";
import { docker, requireEngine } from "../test/containers/helpers/docker-cli.js";
import { allImageIds, buildImage, ensureRedisImage, gitRevision, imageSizeBytes, REPO_ROOT } from "../test/containers/helpers/image.js";
import { startKbStack, type KbStack } from "../test/containers/helpers/kb-stack.js";
import { startRedis, type RedisStack } from "../test/containers/helpers/redis-stack.js";
import { newRun, removeRun, runLabels } from "../test/containers/helpers/run.js";
import { makeTempDir } from "../test/helpers/temp-dir.js";
import { machine } from "./lib/stats.js";

/** The committed tree, extracted into `dir`. */
async function checkoutHead(dir: string): Promise<void> {
  const run = promisify(execFile);
  const archive = `${dir}.tar`;
  await mkdir(dir, { recursive: true });
  await run("git", ["archive", "--format=tar", "-o", archive, "HEAD"], { cwd: REPO_ROOT });
  await run("tar", ["-xf", archive, "-C", dir]);
}

/** Seconds from the container's start to the server's "listening" log line. */
async function secondsToListening(name: string): Promise<number> {
  const startedAt = Date.parse(await inspect<string>(name, ".State.StartedAt"));
  const line = (await containerLogs(name, 200)).split("\n").find((l) => l.includes("MCP server listening"));
  if (!line) throw new Error(`${name} never logged that it was listening`);
  return (Date.parse((JSON.parse(line) as { time: string }).time) - startedAt) / 1000;
}

export async function benchContainers(): Promise<void> {
  const engine = await requireEngine();
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`engine: Docker ${engine.serverVersion} (API ${engine.apiVersion})`);
  const imagesBefore = new Set(await allImageIds());
  const run = newRun("bench");
  const changedTag = `${run.image}-changed`;
  const temp = await makeTempDir("qm-bench-context-");
  let kb: KbStack | undefined;
  let redis: RedisStack | undefined;
  let untagRedis = async () => {};
  try {
    const head = path.join(temp.dir, "head");
    await checkoutHead(head);
    console.log(`source: ${await gitRevision()}`);
    const cold = await buildImage({ tag: run.image, labels: runLabels(run), noCache: true, context: head });
    console.log(`build, cold (no layer cache): ${cold.seconds.toFixed(1)} s`);
    const cached = await buildImage({ tag: run.image, labels: runLabels(run), context: head });
    console.log(`build, cached (nothing changed): ${cached.seconds.toFixed(1)} s`);
    const edited = path.join(temp.dir, "edited");
    await cp(head, edited, { recursive: true });
    await appendFile(path.join(edited, "services", "cli.ts"), "// a source change\n");
    const changed = await buildImage({ tag: changedTag, labels: runLabels(run), context: edited });
    console.log(`build, after a source change (services/cli.ts): ${changed.seconds.toFixed(1)} s`);
    const bytes = await imageSizeBytes(run.image);
    console.log(`image size: ${(bytes / 1e6).toFixed(1)} MB (target < 350 MB)`);

    kb = await startKbStack(run);
    const chunks = /(\d+) chunks/.exec(kb.indexer.output)?.[1] ?? "?";
    console.log(`kb-indexer job (risk-management: 6 articles, ${chunks} chunks, embedded store): ${kb.indexer.seconds.toFixed(1)} s, exit ${kb.indexer.exitCode}`);
    console.log(
      `kb-mcp: listening ${(await secondsToListening(kb.mcp.name)).toFixed(1)} s, healthy ${kb.mcp.secondsToHealthy.toFixed(1)} s after start (target < 10 s)`,
    );
    await kb.remove();
    kb = undefined;

    const redisImage = await ensureRedisImage();
    untagRedis = redisImage.untag;
    redis = await startRedis(run);
    console.log(`redis${redisImage.standIn ? " (docker-lab stand-in)" : ""}: healthy ${redis.secondsToHealthy.toFixed(1)} s after start`);
    console.log(`redis, recreated on its volumes: healthy ${(await redis.recreate()).toFixed(1)} s after start`);
  } finally {
    await kb?.remove();
    await redis?.remove();
    await untagRedis();
    await docker(["rmi", "--no-prune", changedTag], { allowFailure: true });
    await removeRun(run);
    // Newest first, so removing a build's last layer takes its parents with it.
    for (const id of await allImageIds()) if (!imagesBefore.has(id)) await docker(["rmi", id], { allowFailure: true });
    await temp.remove();
  }
}
