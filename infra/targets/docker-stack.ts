/**
 * The services on one Docker host, shared by the local and vps targets: a private bridge
 * network, Redis, Qdrant, then every container runtime of the catalogue in dependency order.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { QDRANT_HTTP_PORT, REDIS_PORT } from "../backends.js";
import { SERVICE_CATALOGUE } from "../catalogue.js";
import { backupSettings, embedderSettings } from "../container-conventions.js";
import { mcpOf, type AnyServiceDescriptor, type DeployContext, type Mt5BridgeEndpoint } from "../descriptor.js";
import { deploymentsFor, type Deployment } from "../deployments.js";
import type { DeployedTarget, McpEndpoint } from "./target.js";
import type { DockerHost } from "../components/docker/docker-host.js";
import { DockerQdrant } from "../components/docker/qdrant.js";
import { DockerRedis } from "../components/docker/redis.js";
import { DockerService } from "../components/docker/service.js";
import { ServiceImage } from "../components/docker/service-image.js";
import type { StackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";

export interface DockerStackArgs {
  /** Prefix of every container, volume and network name, e.g. `qm-dev`. */
  namePrefix: string;
  host: DockerHost;
  /** Static subnet of the stack's bridge network. */
  subnet: string;
  config: StackConfig;
  secrets: StackSecrets;
  /** Host ports (bound to 127.0.0.1) per service; a service with a port not listed publishes the same port number. */
  hostPorts?: Record<string, number>;
  /** The services to deploy; default the catalogue. */
  catalogue?: readonly AnyServiceDescriptor[];
  /** vps: the MT5 bridge on the Windows host, for the runtimes whose env reads `context.mt5Bridge`. */
  mt5Bridge?: pulumi.Output<Mt5BridgeEndpoint>;
}

export interface DockerStack {
  network: docker.Network;
  image: ServiceImage;
  redis: DockerRedis;
  qdrant: DockerQdrant;
  services: Map<string, DockerService>;
  /** What was deployed, in order (Docker-host runtimes only). */
  deployments: Deployment[];
}

export function deployDockerStack(args: DockerStackArgs, parent?: pulumi.Resource): DockerStack {
  const { namePrefix, host } = args;
  // Checked before any resource exists: a runtime this host cannot run stops the program here.
  const deployments = deploymentsFor(args.config.target, args.catalogue ?? SERVICE_CATALOGUE).filter((d) => d.host === "docker");
  const opts = { parent, provider: host.provider, dependsOn: host.ready };
  const network = new docker.Network(
    "network",
    { name: `${namePrefix}-net`, driver: "bridge", ipamConfigs: [{ subnet: args.subnet }] },
    opts,
  );
  const image = new ServiceImage("image", { imageName: `quantmind:${namePrefix}`, host }, { parent });
  const redis = new DockerRedis("redis", { namePrefix, networkName: network.name, seederImage: image.ref, password: args.secrets.redisPassword, host }, { parent });
  const qdrant = new DockerQdrant("qdrant", { namePrefix, networkName: network.name, seederImage: image.ref, apiKey: args.secrets.qdrantApiKey, host }, { parent });

  const baseContext: DeployContext = {
    target: args.config.target,
    qdrantUrl: `http://qdrant:${QDRANT_HTTP_PORT}`,
    redisUrl: `redis://redis:${REDIS_PORT}`,
    logLevel: args.config.logLevel,
    kbCollection: args.config.kbCollection,
    embedder: embedderSettings(args.config),
    backup: backupSettings(args.config),
  };
  const context: pulumi.Input<DeployContext> = args.mt5Bridge ? args.mt5Bridge.apply((mt5Bridge) => ({ ...baseContext, mt5Bridge })) : baseContext;
  const backends = { qdrant: qdrant.ready, redis: redis.ready };
  const services = new Map<string, DockerService>();
  for (const deployment of deployments) {
    const { runtime } = deployment;
    // deploymentsFor has checked that every `after` names an earlier job.
    const after = (runtime.after ?? []).map((name) => services.get(name)!.ready);
    const http = runtime.shape.kind === "mcp" ? runtime.shape : runtime.shape.kind === "daemon" ? runtime.shape.http : undefined;
    const hostPort = http === undefined ? undefined : (args.hostPorts?.[deployment.name] ?? http.port);
    services.set(
      deployment.name,
      new DockerService(
        deployment.name,
        {
          deployment,
          namePrefix,
          image: image.ref,
          context,
          secrets: args.secrets,
          networkName: network.name,
          hostPort,
          host,
          dependsOn: [...runtime.backends.map((backend) => backends[backend]), ...after],
        },
        { parent },
      ),
    );
  }
  return { network, image, redis, qdrant, services, deployments };
}

/** Each published service's URL, and the MCP ones with the key their clients send. */
export function dockerEndpoints(stack: DockerStack, secrets: StackSecrets): DeployedTarget {
  const endpoints: Record<string, pulumi.Input<string>> = {};
  const mcpEndpoints: McpEndpoint[] = [];
  for (const { name, runtime } of stack.deployments) {
    const url = stack.services.get(name)?.localUrl;
    if (!url) continue;
    endpoints[name] = url;
    const mcp = mcpOf(runtime.shape);
    if (mcp) mcpEndpoints.push({ service: name, clientName: mcp.clientName, url: pulumi.interpolate`${url}/mcp`, apiKey: secrets[mcp.apiKeySecret] });
  }
  endpoints["network"] = stack.network.name;
  return { endpoints, mcpEndpoints };
}
