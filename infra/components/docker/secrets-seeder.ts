/**
 * Secret files for a hardened container on a Docker engine.
 *
 * The provider's `uploads` extract an archive at `/`, which the engine refuses for a
 * `--read-only` container even when every file lands in a volume (measured in the container
 * tier, test/containers/secrets-delivery.test.ts). So a seeder, a container that is created
 * and never started, receives the upload into the secrets volume; the service mounts that volume
 * read-only. The files keep the service user as owner and mode 0400, and stay secret in state.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_DIR } from "../../container-conventions.js";
import { SECRETS_SEEDER_LABEL } from "../../hardening.js";
import type { DockerHost } from "./docker-host.js";

export interface SecretsSeederArgs {
  /** Name of the container the secrets are for. */
  containerName: string;
  /** Any image present on the engine; it never runs. The service's own is simplest. */
  image: pulumi.Input<string>;
  /** `uid:gid` that owns the files: the service's user. */
  owner: string;
  /** File name under /run/secrets -> content. */
  files: Record<string, pulumi.Input<string>>;
  host: DockerHost;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export interface SecretsSeeder {
  volume: docker.Volume;
  seeder: docker.Container;
}

export function createSecretsSeeder(name: string, args: SecretsSeederArgs, parent: pulumi.Resource): SecretsSeeder {
  const opts = { parent, provider: args.host.provider, dependsOn: args.dependsOn };
  const volume = new docker.Volume(`${name}-volume`, { name: `${args.containerName}-secrets` }, opts);
  const [uid, gid] = args.owner.split(":");
  const seeder = new docker.Container(
    name,
    {
      name: `${args.containerName}-secrets-seeder`,
      image: args.image,
      start: false,
      mustRun: false,
      networkMode: "none",
      user: args.owner,
      capabilities: { drops: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      volumes: [{ volumeName: volume.name, containerPath: SECRETS_DIR }],
      uploads: Object.entries(args.files).map(([file, content]) => ({
        file: `${SECRETS_DIR}/${file}`,
        content: pulumi.secret(content),
        owner: uid,
        group: gid,
        permissions: "0400",
      })),
      labels: [SECRETS_SEEDER_LABEL],
    },
    { ...opts, deleteBeforeReplace: true },
  );
  return { volume, seeder };
}
