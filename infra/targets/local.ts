/**
 * The `local` target: every service on the operator's Docker engine, on a dedicated bridge
 * network with a static subnet, HTTP ports published on 127.0.0.1 only.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { localHostPorts } from "../catalogue.js";
import { localDockerHost } from "../components/docker/docker-host.js";
import type { AnyServiceDescriptor } from "../descriptor.js";
import type { LocalStackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";
import { deployDockerStack, dockerEndpoints } from "./docker-stack.js";
import type { DeployedTarget } from "./target.js";

export interface LocalTargetOptions {
  /** The services to deploy; default the catalogue. */
  catalogue?: readonly AnyServiceDescriptor[];
}

export function createLocalTarget(config: LocalStackConfig, secrets: StackSecrets, options: LocalTargetOptions = {}): DeployedTarget {
  const namePrefix = `qm-${pulumi.getStack()}`;
  const provider = config.dockerHost ? new docker.Provider("local-docker", { host: config.dockerHost }) : undefined;
  const stack = deployDockerStack({
    namePrefix,
    host: localDockerHost(provider, config.dockerHost),
    subnet: config.localSubnet,
    config,
    secrets,
    hostPorts: localHostPorts(config),
    ...(options.catalogue && { catalogue: options.catalogue }),
  });

  return dockerEndpoints(stack, secrets);
}
