/**
 * The one service image, built from the root Dockerfile on the target's Docker engine (the
 * operator's, or the VPS's over SSH). Nothing is pushed: the engine that builds it runs it.
 */
import path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PACKAGE_ROOT } from "../../../services/shared/package-root.js";
import type { DockerHost } from "./docker-host.js";

export interface ServiceImageArgs {
  /** Local image name and tag, e.g. `quantmind:dev`. */
  imageName: string;
  host: DockerHost;
  /** Build platform; default `linux/amd64`. */
  platform?: string;
}

export class ServiceImage extends pulumi.ComponentResource {
  /** Image reference by digest, so a rebuilt image replaces the containers that run it. */
  readonly ref: pulumi.Output<string>;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:docker:ServiceImage", name, {}, opts);
    const image = new docker.Image(
      `${name}-build`,
      {
        imageName: args.imageName,
        build: {
          context: PACKAGE_ROOT,
          dockerfile: path.join(PACKAGE_ROOT, "Dockerfile"),
          platform: args.platform ?? "linux/amd64",
          // The classic builder: the Dockerfile needs no BuildKit, and not every host has it.
          builderVersion: "BuilderV1",
        },
        skipPush: true,
      },
      { parent: this, provider: args.host.provider, dependsOn: args.host.ready },
    );
    this.ref = image.repoDigest;
    this.registerOutputs({ ref: this.ref });
  }
}
