/**
 * Secret files the way the Docker targets can deliver them, measured on a real engine:
 *
 * - An upload at `/` into a created `--read-only` container is refused ("container rootfs is
 *   marked read-only"), even when every file lands under a volume: the engine checks the
 *   extraction path, and `docker.Container` `uploads` always extracts at `/`.
 * - The same upload into a container that is created but never started, and not read-only,
 *   lands in the volume mounted there, keeping the archive's owner and mode.
 *
 * So the files go through a seeder: a container created (never started) with the secrets volume
 * at /run/secrets, receiving the archive at `/` exactly as `uploads` sends it (owner = the
 * service's uid:gid, mode 0400). The service then mounts the volume read-only.
 */
import { SECRETS_DIR } from "../../../infra/container-conventions.js";
import { docker } from "./docker-cli.js";
import { createVolume, resourceName, runLabels, type ContainerRun } from "./run.js";
import { createTar } from "./tar.js";

export interface SecretsVolumeOptions {
  /** Role in the volume's name, e.g. `kb-mcp-secrets`. */
  role: string;
  /** Image the seeder is created from; it never runs. */
  image: string;
  /** `uid:gid` the files belong to: the service's user. */
  owner: string;
  /** File name under /run/secrets -> content. */
  files: Record<string, string>;
}

/** The secret files as a tar archive extracted at `/`, as the provider's `uploads` builds it. */
export function secretsArchive(owner: string, files: Record<string, string>): Buffer {
  const [uid, gid] = owner.split(":").map(Number);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`owner must be numeric uid:gid, got ${owner}`);
  return createTar(
    Object.entries(files).map(([name, content]) => ({
      path: `${SECRETS_DIR.slice(1)}/${name}`,
      content,
      mode: 0o400,
      uid: uid!,
      gid: gid!,
    })),
  );
}

/** Creates the volume and fills it through a seeder container; returns the volume's name. */
export async function createSecretsVolume(run: ContainerRun, options: SecretsVolumeOptions): Promise<string> {
  const volume = await createVolume(run, options.role);
  const seeder = resourceName(run, `${options.role}-seeder`);
  await docker([
    "create", "--name", seeder, ...runLabels(run),
    "--network", "none", "--user", options.owner, "-v", `${volume}:${SECRETS_DIR}`,
    options.image,
  ]);
  try {
    await docker(["cp", "-", `${seeder}:/`], { input: secretsArchive(options.owner, options.files) });
  } finally {
    // -v: an image that declares a VOLUME (redis: /data) gave the seeder an anonymous one.
    await docker(["rm", "-f", "-v", seeder]);
  }
  return volume;
}
