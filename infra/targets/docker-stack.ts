/**
 * The services on one Docker host, shared by the local and vps targets: a private bridge
 * network, Redis, Qdrant, then every catalogue entry in dependency order.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { QDRANT_HTTP_PORT, REDIS_PORT } from "../backends.js";
import { backupSettings, SERVICE_CATALOGUE, type ServiceContext } from "../catalogue.js";
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
}

export interface DockerStack {
  network: docker.Network;
  image: ServiceImage;
  redis: DockerRedis;
  qdrant: DockerQdrant;
  services: Map<string, DockerService>;
}

export function deployDockerStack(args: DockerStackArgs, parent?: pulumi.Resource): DockerStack {
  const { namePrefix, host } = args;
  const opts = { parent, provider: host.provider, dependsOn: host.ready };
  const network = new docker.Network(
    "network",
    { name: `${namePrefix}-net`, driver: "bridge", ipamConfigs: [{ subnet: args.subnet }] },
    opts,
  );
  const image = new ServiceImage("image", { imageName: `quantmind:${namePrefix}`, host }, { parent });
  const redis = new DockerRedis("redis", { namePrefix, networkName: network.name, seederImage: image.ref, password: args.secrets.redisPassword, host }, { parent });
  const qdrant = new DockerQdrant("qdrant", { namePrefix, networkName: network.name, seederImage: image.ref, apiKey: args.secrets.qdrantApiKey, host }, { parent });

  const context: ServiceContext = {
    qdrantUrl: `http://qdrant:${QDRANT_HTTP_PORT}`,
    redisUrl: `redis://redis:${REDIS_PORT}`,
    logLevel: args.config.logLevel,
    kbCollection: args.config.kbCollection,
    backup: backupSettings(args.config),
  };
  const backends = { qdrant: qdrant.ready, redis: redis.ready };
  const services = new Map<string, DockerService>();
  for (const definition of SERVICE_CATALOGUE) {
    const after = definition.after.map((name) => {
      const job = services.get(name);
      if (!job) throw new Error(`catalogue: ${definition.name} runs after ${name}, which must come earlier in the catalogue`);
      return job.ready;
    });
    const hostPort = definition.port === undefined ? undefined : (args.hostPorts?.[definition.name] ?? definition.port);
    services.set(
      definition.name,
      new DockerService(
        definition.name,
        {
          definition,
          namePrefix,
          image: image.ref,
          context,
          secrets: args.secrets,
          networkName: network.name,
          hostPort,
          host,
          dependsOn: [...definition.backends.map((backend) => backends[backend]), ...after],
        },
        { parent },
      ),
    );
  }
  return { network, image, redis, qdrant, services };
}

/** Each published service's URL, and the MCP ones with the key their clients send. */
export function dockerEndpoints(stack: DockerStack, secrets: StackSecrets): DeployedTarget {
  const endpoints: Record<string, pulumi.Input<string>> = {};
  const mcpEndpoints: McpEndpoint[] = [];
  for (const definition of SERVICE_CATALOGUE) {
    const url = stack.services.get(definition.name)?.localUrl;
    if (!url) continue;
    endpoints[definition.name] = url;
    if (definition.mcp) {
      mcpEndpoints.push({
        service: definition.name,
        clientName: definition.mcp.clientName,
        url: pulumi.interpolate`${url}/mcp`,
        apiKey: secrets[definition.mcp.apiKeySecret],
      });
    }
  }
  endpoints["network"] = stack.network.name;
  return { endpoints, mcpEndpoints };
}
