/**
 * One hardened container on a Docker host, the building block of the Docker components: the
 * shared hardening flags, secrets as files, a private network, optional loopback-only port.
 *
 * Secrets arrive as files in a read-only volume at /run/secrets (see secrets-seeder.ts), never
 * in the container's environment or command line, and stay secret in the stack state.
 *
 * The provider only creates the container; a command on the Docker host then sets the pids
 * limit (which the provider cannot) and starts it, so no process ever runs without the limit.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { HEALTHCHECK_TIMING, SECRETS_DIR } from "../../container-conventions.js";
import { dockerContainerHardening, dockerPidsLimitCommand, type ContainerHardening } from "../../hardening.js";
import type { DockerHost } from "./docker-host.js";
import { createSecretsSeeder } from "./secrets-seeder.js";

/** Published ports bind to loopback only; remote access goes through SSH or a load balancer. */
export const PUBLISH_ADDRESS = "127.0.0.1";

export interface HardenedContainerArgs {
  /** Docker container name (also the prefix of its volumes). */
  containerName: string;
  image: pulumi.Input<string>;
  /** Image the secrets seeder is created from: the service image (it declares no VOLUME, unlike Redis's). */
  seederImage: pulumi.Input<string>;
  command: readonly string[];
  hardening: ContainerHardening;
  /** Non-secret environment. */
  env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Files under /run/secrets: file name -> content (secret outputs). */
  secretFiles?: Record<string, pulumi.Input<string>>;
  /** Named volumes: role (volume name suffix) -> mount path. */
  volumes?: Readonly<Record<string, string>>;
  /** Volumes another container owns (e.g. Redis's data), mounted by name. */
  sharedVolumes?: readonly { volumeName: string; containerPath: string; readOnly: boolean }[];
  networkName: pulumi.Input<string>;
  /** DNS names other containers reach this one by. */
  aliases: string[];
  /** Container port published on 127.0.0.1:<hostPort>. */
  publish?: { containerPort: number; hostPort: number };
  healthcheck?: readonly string[];
  /** `daemon`: restarted, deploy waits for healthy. `job`: deploy waits for it to exit 0. */
  lifecycle: "daemon" | "job";
  host: DockerHost;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface HardenedContainer {
  container: docker.Container;
  /** Sets the pids limit and starts the container; done when a daemon is healthy or a job exited 0. */
  started: pulumi.Resource;
}

export function createHardenedContainer(name: string, args: HardenedContainerArgs, parent: pulumi.Resource): HardenedContainer {
  const opts = { parent, provider: args.host.provider, dependsOn: [...args.host.ready, ...(args.dependsOn ?? [])] };
  const volumeMounts: docker.types.input.ContainerVolume[] = [];
  for (const [role, containerPath] of Object.entries(args.volumes ?? {})) {
    const volume = new docker.Volume(`${name}-${role}`, { name: `${args.containerName}-${role}` }, opts);
    volumeMounts.push({ volumeName: volume.name, containerPath });
  }
  for (const shared of args.sharedVolumes ?? []) volumeMounts.push({ ...shared });

  const seeded =
    args.secretFiles && Object.keys(args.secretFiles).length > 0
      ? createSecretsSeeder(
          `${name}-secrets`,
          { containerName: args.containerName, image: args.seederImage, owner: args.hardening.user, files: args.secretFiles, host: args.host, dependsOn: opts.dependsOn },
          parent,
        )
      : undefined;
  if (seeded) volumeMounts.push({ volumeName: seeded.volume.name, containerPath: SECRETS_DIR, readOnly: true });

  const container = new docker.Container(
    name,
    {
      name: args.containerName,
      image: args.image,
      command: [...args.command],
      envs: pulumi.output(args.env ?? {}).apply((env) => Object.entries(env).map(([key, value]) => `${key}=${value}`)),
      volumes: volumeMounts,
      networksAdvanced: [{ name: args.networkName, aliases: args.aliases }],
      ports: args.publish ? [{ internal: args.publish.containerPort, external: args.publish.hostPort, ip: PUBLISH_ADDRESS }] : [],
      ...dockerContainerHardening(args.hardening),
      // A job, or a daemon with no HTTP port (the backup scheduler), has no health probe: without
      // NONE it would inherit the image's HEALTHCHECK (an HTTP probe) and show unhealthy for ever.
      ...((args.lifecycle === "job" || !args.healthcheck) && { healthcheck: { tests: ["NONE"] } }),
      ...(args.healthcheck && {
        healthcheck: {
          tests: [...args.healthcheck],
          interval: `${HEALTHCHECK_TIMING.intervalSeconds}s`,
          timeout: `${HEALTHCHECK_TIMING.timeoutSeconds}s`,
          startPeriod: `${HEALTHCHECK_TIMING.startPeriodSeconds}s`,
          retries: HEALTHCHECK_TIMING.retries,
        },
      }),
      restart: args.lifecycle === "daemon" ? "unless-stopped" : "no",
      start: false,
      mustRun: false,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
      labels: [{ label: "org.quantmind.container", value: args.containerName }],
    },
    { ...opts, dependsOn: [...opts.dependsOn, ...(seeded ? [seeded.seeder] : [])], deleteBeforeReplace: true },
  );

  // A new seeder (rotated secrets) restarts the service, which reads its secrets at start.
  const started = args.host.runCommand(
    `${name}-start`,
    startScript(args.hardening, args.containerName, args.lifecycle, args.healthcheck !== undefined),
    [container.id, ...(seeded ? [seeded.seeder.id] : [])],
    { parent, dependsOn: [container] },
  );
  return { container, started };
}

/** Seconds a daemon may take to become healthy before the deploy fails. */
export const HEALTHY_TIMEOUT_SECONDS = 180;

/**
 * Shell run on the Docker host: pids limit, then (re)start. A job runs attached, so its exit
 * code is the command's; a daemon with a healthcheck is waited for until healthy.
 */
export function startScript(h: ContainerHardening, containerName: string, lifecycle: "daemon" | "job", hasHealthcheck: boolean): string {
  const limit = dockerPidsLimitCommand(h, containerName);
  if (lifecycle === "job") return `${limit} && docker start --attach ${containerName}`;
  // restart, not start: a re-run after a secret rotation must restart a running daemon.
  const start = `${limit} && docker restart ${containerName}`;
  if (!hasHealthcheck) return start;
  const health = `docker inspect -f '{{.State.Health.Status}}' ${containerName}`;
  return (
    `${start} && for i in $(seq ${HEALTHY_TIMEOUT_SECONDS}); do ` +
    `[ "$(${health})" = healthy ] && exit 0; sleep 1; done; ` +
    `echo "${containerName} not healthy after ${HEALTHY_TIMEOUT_SECONDS}s; see: docker logs ${containerName}" >&2; exit 1`
  );
}
