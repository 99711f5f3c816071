/**
 * Redis on a Docker host: pinned image, AOF on a named volume, password from a secret config
 * file, reachable only on the stack's private network as `redis:6379`.
 */
import * as pulumi from "@pulumi/pulumi";
import { REDIS, REDIS_PORT, redisConfig } from "../../backends.js";
import type { DockerHost } from "./docker-host.js";
import { createHardenedContainer } from "./hardened-container.js";

export interface DockerRedisArgs {
  /** Container name prefix, e.g. `qm-dev`. */
  namePrefix: string;
  networkName: pulumi.Input<string>;
  /** The service image, for the secrets seeder. */
  seederImage: pulumi.Input<string>;
  password: pulumi.Input<string>;
  host: DockerHost;
}

export class DockerRedis extends pulumi.ComponentResource {
  /** URL services use, without credentials (the password comes as a secret file). */
  readonly url: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;
  /** Resolves once Redis is healthy. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: DockerRedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:docker:Redis", name, {}, opts);
    const containerName = `${args.namePrefix}-redis`;
    const { container, started } = createHardenedContainer(
      `${name}-container`,
      {
        containerName,
        image: REDIS.image,
        seederImage: args.seederImage,
        command: REDIS.command,
        hardening: REDIS.hardening,
        secretFiles: { [REDIS.configFile]: pulumi.output(args.password).apply(redisConfig) },
        volumes: REDIS.volumes,
        networkName: args.networkName,
        aliases: ["redis"],
        healthcheck: REDIS.healthcheck,
        lifecycle: "daemon",
        host: args.host,
      },
      this,
    );
    this.url = pulumi.output(`redis://redis:${REDIS_PORT}`);
    this.containerName = container.name;
    this.ready = started;
    this.registerOutputs({ url: this.url, containerName: this.containerName });
  }
}
