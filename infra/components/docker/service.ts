/**
 * One container runtime on a Docker host (shapes `mcp`, `daemon`, `job`, `queue-worker`): the
 * shared image with the runtime's command, env and limits, hardening on, secrets as files
 * (`<VAR>_FILE`), the HTTP port probed and published on 127.0.0.1 when asked. A job runs to
 * completion; the other shapes restart and, with an HTTP port, are waited for until healthy.
 */
import * as pulumi from "@pulumi/pulumi";
import { healthcheckCommand, secretFilePath } from "../../container-conventions.js";
import { resolveEnv, httpOf, isLongRunning, secretEntries, type DeployContext } from "../../descriptor.js";
import type { Deployment } from "../../deployments.js";
import { containerHardening } from "../../hardening.js";
import type { ServiceSecretKey } from "../../../stacks/secrets.js";
import type { DockerHost } from "./docker-host.js";
import { createHardenedContainer } from "./hardened-container.js";

export interface DockerServiceArgs {
  deployment: Deployment;
  /** Container name prefix, e.g. `qm-dev`. */
  namePrefix: string;
  image: pulumi.Input<string>;
  /** The values the runtime's `env` reads (vps: the bridge's address is only known once its host exists). */
  context: pulumi.Input<DeployContext>;
  /** Every service secret of the stack; the service receives only those its runtime names. */
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
    const { deployment, deployment: { runtime } } = args;
    const http = httpOf(runtime.shape);
    const longRunning = isLongRunning(runtime.shape);
    const volumes = runtime.volumes ?? [];
    const secrets = secretEntries(runtime);
    const { container, started } = createHardenedContainer(
      `${name}-container`,
      {
        containerName: `${args.namePrefix}-${deployment.name}`,
        image: args.image,
        seederImage: args.image,
        command: runtime.command,
        hardening: containerHardening({ ...runtime.limits, tmpfsPaths: runtime.tmpfsPaths, userNamespaces: runtime.userNamespaces ?? false }),
        env: pulumi.output(args.context).apply((context) => ({
          ...resolveEnv(runtime, context),
          ...Object.fromEntries(secrets.map(([variable]) => [`${variable}_FILE`, secretFilePath(variable)])),
        })),
        secretFiles: Object.fromEntries(secrets.map(([variable, key]) => [variable, args.secrets[key]])),
        networkName: args.networkName,
        volumes: Object.fromEntries(volumes.filter((v) => v.owner === "own").map((v) => [v.role, v.path])),
        sharedVolumes: volumes
          .filter((v) => v.owner !== "own")
          .map((v) => ({ volumeName: `${args.namePrefix}-${v.owner}-${v.role}`, containerPath: v.path, readOnly: v.readOnly })),
        aliases: [deployment.name],
        ...(http && args.hostPort !== undefined && { publish: { containerPort: http.port, hostPort: args.hostPort } }),
        ...(longRunning && http && { healthcheck: healthcheckCommand(http.port, http.healthPath) }),
        lifecycle: longRunning ? "daemon" : "job",
        host: args.host,
        dependsOn: args.dependsOn,
      },
      this,
    );
    this.containerName = container.name;
    this.ready = started;
    if (http && args.hostPort !== undefined) {
      this.hostPort = args.hostPort;
      this.localUrl = pulumi.output(`http://127.0.0.1:${args.hostPort}`);
    }
    this.registerOutputs({ containerName: this.containerName, localUrl: this.localUrl });
  }
}
