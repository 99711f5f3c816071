/**
 * The `local` target: every service on the operator's Docker engine, on a dedicated bridge
 * network with a static subnet, HTTP ports published on 127.0.0.1 only.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { localDockerHost } from "../components/docker/docker-host.js";
import type { LocalStackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";
import { deployDockerStack, dockerEndpoints } from "./docker-stack.js";
import type { DeployedTarget } from "./target.js";

export function createLocalTarget(config: LocalStackConfig, secrets: StackSecrets): DeployedTarget {
  const namePrefix = `qm-${pulumi.getStack()}`;
  const provider = config.dockerHost ? new docker.Provider("local-docker", { host: config.dockerHost }) : undefined;
  const stack = deployDockerStack({
    namePrefix,
    host: localDockerHost(provider, config.dockerHost),
    subnet: config.localSubnet,
    config,
    secrets,
    hostPorts: { "kb-mcp": config.kbMcpHostPort },
  });

  return dockerEndpoints(stack, secrets);
}
