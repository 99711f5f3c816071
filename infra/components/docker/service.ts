/**
 * One catalogue service on a Docker host: the shared image with the entry's command, env and
 * limits, hardening on, secrets as files, the HTTP port published on 127.0.0.1 when asked.
 */
import * as pulumi from "@pulumi/pulumi";
import { healthcheckCommand, secretFilePath, type ServiceContext, type ServiceDefinition } from "../../catalogue.js";
import { containerHardening } from "../../hardening.js";
import type { ServiceSecretKey } from "../../../stacks/secrets.js";
import type { DockerHost } from "./docker-host.js";
import { createHardenedContainer } from "./hardened-container.js";

export interface DockerServiceArgs {
  definition: ServiceDefinition;
  /** Container name prefix, e.g. `qm-dev`. */
  namePrefix: string;
  image: pulumi.Input<string>;
  context: ServiceContext;
  /** Every service secret of the stack; the service receives only those its entry names. */
  secrets: Record<ServiceSecretKey, pulumi.Input<string>>;
  networkName: pulumi.Input<string>;
  /** Host port for the service's HTTP port, on 127.0.0.1 only; unset: not published. */
  hostPort?: number;
  host: DockerHost;
  /** Backends and jobs that must be up (or done) first. */
  dependsOn?: pulumi.Resource[];
}

export class DockerService extends pulumi.ComponentResource {
  readonly containerName: pulumi.Output<string>;
  /** Resolves once the daemon is healthy, or the job has exited 0. */
  readonly ready: pulumi.Resource;
  /** Port published on the host's 127.0.0.1, when published. */
  readonly hostPort?: number;
  /** URL through the loopback port (on the Docker host), when published. */
  readonly localUrl?: pulumi.Output<string>;

  constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:docker:Service", name, {}, opts);
    const { definition: def } = args;
    const secretEntries = Object.entries(def.secrets);
    const { container, started } = createHardenedContainer(
      `${name}-container`,
      {
        containerName: `${args.namePrefix}-${def.name}`,
        image: args.image,
        seederImage: args.image,
        command: def.command,
        hardening: containerHardening({ ...def.limits, tmpfsPaths: def.tmpfsPaths }),
        env: {
          ...def.env(args.context),
          ...Object.fromEntries(secretEntries.map(([variable]) => [`${variable}_FILE`, secretFilePath(variable)])),
        },
        secretFiles: Object.fromEntries(secretEntries.map(([variable, key]) => [variable, args.secrets[key]])),
        networkName: args.networkName,
        volumes: Object.fromEntries((def.volumes ?? []).filter((v) => v.owner === "own").map((v) => [v.role, v.path])),
        sharedVolumes: (def.volumes ?? [])
          .filter((v) => v.owner !== "own")
          .map((v) => ({ volumeName: `${args.namePrefix}-${v.owner}-${v.role}`, containerPath: v.path, readOnly: v.readOnly })),
        aliases: [def.name],
        ...(def.port !== undefined && args.hostPort !== undefined && { publish: { containerPort: def.port, hostPort: args.hostPort } }),
        ...(def.lifecycle === "daemon" && def.port !== undefined && { healthcheck: healthcheckCommand(def.port) }),
        lifecycle: def.lifecycle,
        host: args.host,
        dependsOn: args.dependsOn,
      },
      this,
    );
    this.containerName = container.name;
    this.ready = started;
    if (def.port !== undefined && args.hostPort !== undefined) {
      this.hostPort = args.hostPort;
      this.localUrl = pulumi.output(`http://127.0.0.1:${args.hostPort}`);
    }
    this.registerOutputs({ containerName: this.containerName, localUrl: this.localUrl });
  }
}
