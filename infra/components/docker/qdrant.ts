/**
 * Qdrant on a Docker host: pinned unprivileged image, storage and snapshots on named volumes,
 * API key from a secret config file, reachable only on the stack's private network.
 */
import * as pulumi from "@pulumi/pulumi";
import { QDRANT, QDRANT_HTTP_PORT, qdrantConfig } from "../../backends.js";
import type { DockerHost } from "./docker-host.js";
import { createHardenedContainer } from "./hardened-container.js";

export interface DockerQdrantArgs {
  /** Container name prefix, e.g. `qm-dev`. */
  namePrefix: string;
  networkName: pulumi.Input<string>;
  /** The service image, for the secrets seeder. */
  seederImage: pulumi.Input<string>;
  apiKey: pulumi.Input<string>;
  host: DockerHost;
}

export class DockerQdrant extends pulumi.ComponentResource {
  /** REST URL on the private network. */
  readonly url: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;
  /** Resolves once Qdrant is healthy. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: DockerQdrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:docker:Qdrant", name, {}, opts);
    const { container, started } = createHardenedContainer(
      `${name}-container`,
      {
        containerName: `${args.namePrefix}-qdrant`,
        image: QDRANT.image,
        seederImage: args.seederImage,
        command: QDRANT.command,
        hardening: QDRANT.hardening,
        secretFiles: { [QDRANT.configFile]: pulumi.output(args.apiKey).apply(qdrantConfig) },
        volumes: QDRANT.volumes,
        networkName: args.networkName,
        aliases: ["qdrant"],
        healthcheck: QDRANT.healthcheck,
        lifecycle: "daemon",
        host: args.host,
      },
      this,
    );
    this.url = pulumi.output(`http://qdrant:${QDRANT_HTTP_PORT}`);
    this.containerName = container.name;
    this.ready = started;
    this.registerOutputs({ url: this.url, containerName: this.containerName });
  }
}
