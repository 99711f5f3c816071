/**
 * Where Docker resources go: the operator's own engine (local target) or a VPS engine reached
 * over SSH (vps target). Components take a DockerHost and never care which.
 */
import * as command from "@pulumi/command";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface DockerHost {
  /** Provider for every Docker resource; undefined means the default provider (local engine). */
  provider?: docker.Provider;
  /** Resources that must exist before anything is deployed on the host (e.g. Docker installed). */
  ready: pulumi.Resource[];
  /**
   * Runs a shell command on the Docker host after `dependsOn`, re-run whenever `triggers` change.
   * Used for engine settings the Docker provider does not model (the pids limit).
   */
  runCommand(name: string, commandLine: pulumi.Input<string>, triggers: pulumi.Input<unknown>[], opts: pulumi.CustomResourceOptions): pulumi.Resource;
}

/** The operator's engine; `dockerHost` as in DOCKER_HOST, when not the default socket. */
export function localDockerHost(provider: docker.Provider | undefined, dockerHost?: string): DockerHost {
  return {
    provider,
    ready: [],
    runCommand: (name, commandLine, triggers, opts) =>
      new command.local.Command(
        name,
        { create: commandLine, triggers, ...(dockerHost && { environment: { DOCKER_HOST: dockerHost } }) },
        opts,
      ),
  };
}

/** A remote engine: commands run over SSH on the host itself. */
export function remoteDockerHost(
  provider: docker.Provider,
  connection: command.types.input.remote.ConnectionArgs,
  ready: pulumi.Resource[],
): DockerHost {
  return {
    provider,
    ready,
    runCommand: (name, commandLine, triggers, opts) =>
      new command.remote.Command(name, { connection, create: commandLine, triggers }, { ...opts, dependsOn: [...asArray(opts.dependsOn), ...ready] }),
  };
}

function asArray(value: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as pulumi.Input<pulumi.Resource>];
}
