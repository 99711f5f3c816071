/**
 * The project's image, built from the root Dockerfile, and the pinned Redis image the backends
 * definition names.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { REDIS_IMAGE } from "../../../infra/backends.js";
import { docker } from "./docker-cli.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const PACKAGE = JSON.parse(readFileSync(new URL("package.json", `file://${REPO_ROOT}`), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The commit being built, or "unknown" outside a git checkout. */
export async function gitRevision(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT });
    return stdout.trim();
  } catch {
    return "unknown";
  }
}

/**
 * Tags the container tier keeps between runs as the classic builder's cache, one per Dockerfile
 * stage; each run moves them to its own build and removes what they pointed at before, so the
 * engine holds one cached build, not one per run.
 */
export const TIER_CACHE_TAGS = { buildStage: "quantmind-tests:build-stage", image: "quantmind-tests:image" } as const;

export interface BuildOptions {
  tag: string;
  /** More tags for the same image. */
  extraTags?: string[];
  /** `--label` arguments. */
  labels?: string[];
  /** Build without the layer cache (a cold build; the base images stay). */
  noCache?: boolean;
  /** Build context, holding the Dockerfile; default the repository's working tree. */
  context?: string;
}

/** `docker build` from the root Dockerfile with the classic builder; returns the seconds it took. */
export async function buildImage(options: BuildOptions): Promise<{ seconds: number; revision: string; output: string }> {
  const revision = await gitRevision();
  const started = performance.now();
  const { stdout } = await docker(
    [
      // --force-rm: a failed step leaves no container behind.
      "build", "--network", "host", "--force-rm",
      "-t", options.tag,
      ...(options.extraTags ?? []).flatMap((tag) => ["-t", tag]),
      ...(options.labels ?? []),
      "--build-arg", `VERSION=${PACKAGE.version}`,
      "--build-arg", `REVISION=${revision}`,
      ...(options.noCache ? ["--no-cache"] : []),
      "-f", path.join(options.context ?? REPO_ROOT, "Dockerfile"),
      options.context ?? REPO_ROOT,
    ],
    { timeoutMs: 20 * 60_000 },
  );
  return { seconds: (performance.now() - started) / 1000, revision, output: stdout };
}

export async function imageSizeBytes(image: string): Promise<number> {
  return Number((await docker(["image", "inspect", "--format", "{{.Size}}", image])).stdout.trim());
}

/**
 * The last layer of the Dockerfile's first stage, read from the classic builder's output (the
 * id after the last step before the second FROM); undefined if the output has no second stage.
 */
export function firstStageImageId(output: string): string | undefined {
  const lines = output.split("\n");
  const secondFrom = lines.map((line, i) => (/^Step \d+\/\d+ : FROM /.test(line) ? i : -1)).filter((i) => i >= 0)[1];
  if (secondFrom === undefined) return undefined;
  for (let i = secondFrom - 1; i >= 0; i--) {
    const match = /^ ---> ([0-9a-f]{12,})$/.exec(lines[i]!.trimEnd());
    if (match) return match[1];
  }
  return undefined;
}

/** The image's id, or undefined when the engine has no such image. */
export async function imageId(image: string): Promise<string | undefined> {
  const { code, stdout } = await docker(["image", "inspect", "--format", "{{.Id}}", image], { allowFailure: true });
  return code === 0 ? stdout.trim() : undefined;
}

async function hasImage(image: string): Promise<boolean> {
  return (await imageId(image)) !== undefined;
}

/** Every image on the engine, intermediate build layers included, newest first. */
export async function allImageIds(): Promise<string[]> {
  return (await docker(["images", "-aq", "--no-trunc"])).stdout.split("\n").filter(Boolean);
}

/**
 * Makes REDIS_IMAGE available. An engine that has it, or can pull it, uses it as it is. On a
 * docker-lab engine (no registry) the pinned tag is given to docker-lab's local `redis:7-bookworm`
 * (Debian's redis-server 7.0 with the official image's user, /data and entrypoint), so the same
 * REDIS definition runs against a stand-in; `standIn` says so, and `untag()` undoes it.
 */
export async function ensureRedisImage(): Promise<{ image: string; standIn: boolean; untag: () => Promise<void> }> {
  const noop = async () => {};
  if (await hasImage(REDIS_IMAGE)) return { image: REDIS_IMAGE, standIn: false, untag: noop };
  const lab = await docker(["image", "inspect", "--format", '{{index .Config.Labels "docker-lab.local"}}', "redis:7-bookworm"], {
    allowFailure: true,
  });
  if (lab.code === 0 && lab.stdout.trim() === "1") {
    await docker(["tag", "redis:7-bookworm", REDIS_IMAGE]);
    return { image: REDIS_IMAGE, standIn: true, untag: async () => void (await docker(["rmi", REDIS_IMAGE], { allowFailure: true })) };
  }
  const pulled = await docker(["pull", REDIS_IMAGE], { allowFailure: true });
  if (pulled.code !== 0) {
    throw new Error(
      `${REDIS_IMAGE} is not on this engine and cannot be pulled (${pulled.stderr.trim().split("\n").pop()}). ` +
        "On a machine without registry access run ../shared/tools/docker-lab.sh (as root), which provides redis:7-bookworm.",
    );
  }
  return { image: REDIS_IMAGE, standIn: false, untag: noop };
}
