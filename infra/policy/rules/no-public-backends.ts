/**
 * No public Qdrant or Redis: the backends are reached only on loopback or a private network.
 *
 * Checked per resource:
 * - Docker containers running the Redis or Qdrant image (or named for them) publish no port
 *   except on 127.0.0.1/::1, do not publish all ports, and do not share the host's network.
 * - Security groups and their rules that belong to Redis or Qdrant (by name, description or
 *   parent component) allow ingress only from private ranges or other security groups; any
 *   rule open to 0.0.0.0/0 or ::/0 that covers a backend port (6379, 6333, 6334) is refused too.
 * - ECS services running Qdrant or Redis do not assign public IPs.
 * - ElastiCache replication groups and clusters name a subnet group and security groups, so
 *   they never land in the default VPC's public subnets behind its default security group.
 * Whether a subnet is public is not a property of one resource: see backends-in-private-subnets.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ReportViolation, type ResourceValidationArgs, type ResourceValidationPolicy } from "@pulumi/policy";
import { BACKEND_PORTS, backendOfImage, backendOfNames, backendOfUrn, type Backend } from "../lib/backends.js";
import { isLoopbackAddress, isPrivateCidr, isWorldOpen } from "../../ipv4.js";
import { isSet, known, list } from "../lib/known.js";

interface IngressRange {
  cidrs: readonly string[];
  protocol: string | undefined;
  fromPort: number | undefined;
  toPort: number | undefined;
}

/** The backend a security group (or rule) belongs to, from everything that names it. */
function backendOfFirewall(args: ResourceValidationArgs, ...texts: (string | undefined)[]): Backend | undefined {
  return backendOfUrn(args.urn) ?? backendOfNames(args.name, ...texts);
}

function coversPort(range: IngressRange, port: number): boolean {
  const protocol = (range.protocol ?? "-1").toLowerCase();
  if (!["-1", "all", "tcp", "udp", "6", "17"].includes(protocol)) return false;
  if (protocol === "-1" || protocol === "all") return true;
  return (range.fromPort ?? 0) <= port && port <= (range.toPort ?? 65535);
}

function checkIngress(what: string, backend: Backend | undefined, range: IngressRange, report: ReportViolation): void {
  for (const cidr of range.cidrs) {
    const exposed = (Object.keys(BACKEND_PORTS) as Backend[]).flatMap((name) => BACKEND_PORTS[name].filter((port) => coversPort(range, port)).map((port) => ({ name, port })));
    if (backend !== undefined && !isPrivateCidr(cidr)) {
      report(
        `${what} belongs to ${backend} and allows ingress from ${cidr}, which is not a private range: ` +
          `allow only the clients' security group (referencedSecurityGroupId / securityGroups) or private CIDRs`,
      );
    } else if (backend === undefined && isWorldOpen(cidr) && exposed.length > 0) {
      const ports = exposed.map(({ name, port }) => `${port} (${name})`).join(", ");
      report(`${what} opens port ${ports} to ${cidr}: restrict it to the clients' security group or private CIDRs`);
    }
  }
}

const container = validateResourceOfType(docker.Container, (props, args, report) => {
  const backend = backendOfImage(known(() => props.image)) ?? backendOfNames(known(() => props.name), args.name) ?? backendOfUrn(args.urn);
  if (backend === undefined) return;
  for (const port of list(props.ports)) {
    const ip = port.ip ?? "0.0.0.0";
    if (!isLoopbackAddress(ip)) {
      report(
        `${backend} container publishes container port ${port.internal} on ${ip}${port.ip === undefined ? " (the default: every interface)" : ""}: ` +
          `publish it on 127.0.0.1 only (ports[].ip = "127.0.0.1"), or not at all and reach it on the stack's private network`,
      );
    }
  }
  if (props.publishAllPorts === true) report(`${backend} container sets publishAllPorts, which publishes every exposed port on every interface: remove it`);
  if (props.networkMode === "host") report(`${backend} container runs on the host network, where it listens on the host's public interfaces: attach it to the stack's private network instead`);
});

const securityGroup = validateResourceOfType(aws.ec2.SecurityGroup, (props, args, report) => {
  const backend = backendOfFirewall(args, known(() => props.name), known(() => props.namePrefix), known(() => props.description), known(() => props.tags?.["Name"]));
  for (const rule of list(props.ingress)) {
    const range = { cidrs: [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)], protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort };
    checkIngress(`security group ingress ${rule.protocol} ${rule.fromPort}-${rule.toPort}`, backend, range, report);
  }
});

const securityGroupRule = validateResourceOfType(aws.ec2.SecurityGroupRule, (props, args, report) => {
  if (props.type !== "ingress") return;
  const backend = backendOfFirewall(args, known(() => props.description));
  const range = { cidrs: [...list(props.cidrBlocks), ...list(props.ipv6CidrBlocks)], protocol: props.protocol, fromPort: props.fromPort, toPort: props.toPort };
  checkIngress(`security group rule ${props.protocol} ${props.fromPort}-${props.toPort}`, backend, range, report);
});

const ingressRule = validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (props, args, report) => {
  const backend = backendOfFirewall(args, known(() => props.description), known(() => props.tags?.["Name"]));
  const cidrs = [props.cidrIpv4, props.cidrIpv6].filter((cidr): cidr is string => typeof cidr === "string");
  const range = { cidrs, protocol: props.ipProtocol, fromPort: props.fromPort, toPort: props.toPort };
  checkIngress(`ingress rule ${props.ipProtocol} ${props.fromPort ?? "*"}-${props.toPort ?? "*"}`, backend, range, report);
});

const ecsService = validateResourceOfType(aws.ecs.Service, (props, args, report) => {
  const backend = backendOfUrn(args.urn) ?? backendOfNames(args.name, known(() => props.name));
  if (backend === undefined) return;
  if (props.networkConfiguration?.assignPublicIp === true) {
    report(`${backend} ECS service assigns public IPs to its tasks: set networkConfiguration.assignPublicIp to false and run it in private subnets`);
  }
});

function checkElastiCachePlacement(kind: string, props: { subnetGroupName?: string; securityGroupIds?: readonly string[] }, report: ReportViolation): void {
  if (!isSet(() => props.subnetGroupName)) {
    report(`${kind} has no subnetGroupName, so it is placed in the default VPC's subnets, which are public: give it a subnet group of private subnets`);
  }
  const groups = known(() => props.securityGroupIds);
  if (!isSet(() => props.securityGroupIds) || (groups !== undefined && groups.length === 0)) {
    report(`${kind} has no securityGroupIds, so the VPC's default security group applies: give it a security group that admits only its clients`);
  }
}

const replicationGroup = validateResourceOfType(aws.elasticache.ReplicationGroup, (props, _args, report) => {
  checkElastiCachePlacement("ElastiCache replication group", props, report);
});

const cacheCluster = validateResourceOfType(aws.elasticache.Cluster, (props, _args, report) => {
  // A member of a replication group takes its placement from the group.
  if (isSet(() => props.replicationGroupId)) return;
  checkElastiCachePlacement("ElastiCache cluster", props, report);
});

export const noPublicBackends: ResourceValidationPolicy = {
  name: "no-public-qdrant-or-redis",
  description: "Qdrant and Redis are reachable only on loopback or the stack's private network: no public ports, addresses or firewall rules.",
  enforcementLevel: "mandatory",
  validateResource: [container, securityGroup, securityGroupRule, ingressRule, ecsService, replicationGroup, cacheCluster],
};
