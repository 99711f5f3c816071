/** no-public-qdrant-or-redis: containers, security groups, ECS services and ElastiCache placement. */
import { describe, expect, it } from "vitest";
import { QDRANT, REDIS } from "../../../../infra/backends.js";
import { dockerContainerHardening } from "../../../../infra/hardening.js";
import { noPublicBackends } from "../../../../infra/policy/rules/no-public-backends.js";
import { UNKNOWN_STRING, validateResource, violations } from "../harness.js";

const CONTAINER = "docker:index/container:Container";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

/** A container as infra/components/docker/hardened-container.ts declares one. */
function container(image: string, containerName: string, extra: Record<string, unknown> = {}) {
  return {
    type: CONTAINER,
    name: `${containerName}-container`,
    props: {
      name: containerName,
      image,
      command: ["./qdrant"],
      envs: [],
      networksAdvanced: [{ name: "qm-dev", aliases: ["backend"] }],
      ports: [],
      ...dockerContainerHardening(QDRANT.hardening),
      restart: "unless-stopped",
      ...extra,
    },
  };
}

describe("no-public-qdrant-or-redis: Docker containers", () => {
  it("passes the backends on the private network, and a port published on loopback", async () => {
    expect(await violations(noPublicBackends, container(REDIS.image, "qm-dev-redis"))).toEqual([]);
    expect(await violations(noPublicBackends, container(QDRANT.image, "qm-dev-qdrant", { ports: [{ internal: 6333, external: 6333, ip: "127.0.0.1" }] }))).toEqual([]);
  });

  it("refuses a Redis port published on every interface, naming the fix", async () => {
    expect(await violations(noPublicBackends, container(REDIS.image, "qm-dev-redis", { ports: [{ internal: 6379, external: 6379 }] }))).toEqual([
      'redis container publishes container port 6379 on 0.0.0.0 (the default: every interface): publish it on 127.0.0.1 only (ports[].ip = "127.0.0.1"), or not at all and reach it on the stack\'s private network',
    ]);
  });

  it("refuses Qdrant on a public address, publishing all ports, or on the host network", async () => {
    const found = await violations(noPublicBackends, container(QDRANT.image, "qm-dev-qdrant", { ports: [{ internal: 6333, ip: "0.0.0.0" }, { internal: 6334, ip: "203.0.113.5" }], publishAllPorts: true, networkMode: "host" }));
    expect(found).toHaveLength(4);
    expect(found[1]).toMatch(/^qdrant container publishes container port 6334 on 203\.0\.113\.5:/);
    expect(found[2]).toMatch(/publishAllPorts/);
    expect(found[3]).toMatch(/host network/);
  });

  it("recognises a backend by container name even while its image is not known yet", async () => {
    const result = await validateResource(noPublicBackends, container(UNKNOWN_STRING, "qm-testnet-redis", { ports: [{ internal: 6379 }] }));
    expect(result.unknown).toEqual([]);
    expect(result.violations).toHaveLength(1);
  });

  it("leaves other services' published ports to their own rules", async () => {
    expect(await violations(noPublicBackends, container("quantmind:latest", "qm-dev-kb-mcp", { ports: [{ internal: 8000, external: 8000, ip: "0.0.0.0" }] }))).toEqual([]);
  });
});

describe("no-public-qdrant-or-redis: AWS firewalls", () => {
  const redisSg = (ingress: unknown[]) => ({
    type: SECURITY_GROUP,
    name: "redis-sg",
    parents: ["quantmind:aws:Redis"],
    props: { vpcId: "vpc-0abc", description: "ElastiCache Redis: the services only", ingress, egress: [] },
  });

  it("passes a backend security group that admits only another security group", async () => {
    expect(await violations(noPublicBackends, redisSg([{ protocol: "tcp", fromPort: 6379, toPort: 6379, securityGroups: ["sg-0services"] }]))).toEqual([]);
    expect(await violations(noPublicBackends, redisSg([{ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["10.40.0.0/16"] }]))).toEqual([]);
  });

  it("refuses a backend security group open to the internet, IPv4 or IPv6", async () => {
    const found = await violations(noPublicBackends, redisSg([{ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }]));
    expect(found).toEqual([
      "security group ingress tcp 6379-6379 belongs to redis and allows ingress from 0.0.0.0/0, which is not a private range: allow only the clients' security group (referencedSecurityGroupId / securityGroups) or private CIDRs",
      "security group ingress tcp 6379-6379 belongs to redis and allows ingress from ::/0, which is not a private range: allow only the clients' security group (referencedSecurityGroupId / securityGroups) or private CIDRs",
    ]);
  });

  it("refuses any security group that opens a backend port to the world, and passes the ALB's HTTPS", async () => {
    const alb = (ingress: unknown[]) => ({ type: SECURITY_GROUP, name: "alb-sg", props: { description: "ALB", ingress } });
    expect(await violations(noPublicBackends, alb([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]))).toEqual([]);
    expect(await violations(noPublicBackends, alb([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }]))).toEqual([
      "security group ingress -1 0-0 opens port 6379 (redis), 6333 (qdrant), 6334 (qdrant) to 0.0.0.0/0: restrict it to the clients' security group or private CIDRs",
    ]);
  });

  it("checks standalone rules: vpc.SecurityGroupIngressRule and ec2.SecurityGroupRule", async () => {
    const fromServices = { securityGroupId: "sg-0qdrant", referencedSecurityGroupId: "sg-0services", ipProtocol: "tcp", fromPort: 6333, toPort: 6333, description: "Qdrant REST from the services" };
    expect(await violations(noPublicBackends, { type: INGRESS_RULE, name: "qdrant-from-services", parents: ["quantmind:aws:Qdrant"], props: fromServices })).toEqual([]);
    const operatorIp = { securityGroupId: "sg-0qdrant", cidrIpv4: "203.0.113.7/32", ipProtocol: "tcp", fromPort: 6333, toPort: 6333 };
    expect(await violations(noPublicBackends, { type: INGRESS_RULE, name: "qdrant-from-operator", parents: ["quantmind:aws:Qdrant"], props: operatorIp })).toEqual([
      "ingress rule tcp 6333-6333 belongs to qdrant and allows ingress from 203.0.113.7/32, which is not a private range: allow only the clients' security group (referencedSecurityGroupId / securityGroups) or private CIDRs",
    ]);
    const worldRedis = { type: "ingress", securityGroupId: "sg-0host", protocol: "tcp", fromPort: 6000, toPort: 7000, cidrBlocks: ["0.0.0.0/0"] };
    expect(await violations(noPublicBackends, { type: SG_RULE, name: "linux-host-open", props: worldRedis })).toEqual([
      "security group rule tcp 6000-7000 opens port 6379 (redis), 6333 (qdrant), 6334 (qdrant) to 0.0.0.0/0: restrict it to the clients' security group or private CIDRs",
    ]);
    expect(await violations(noPublicBackends, { type: SG_RULE, name: "linux-host-egress", props: { ...worldRedis, type: "egress" } })).toEqual([]);
  });
});

describe("no-public-qdrant-or-redis: ECS and ElastiCache", () => {
  const qdrantService = (assignPublicIp: boolean) => ({
    type: "aws:ecs/service:Service",
    name: "qdrant-service",
    parents: ["quantmind:aws:Qdrant"],
    props: { cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/qm", launchType: "FARGATE", desiredCount: 1, networkConfiguration: { subnets: ["subnet-0a"], securityGroups: ["sg-0qdrant"], assignPublicIp } },
  });

  it("refuses a Qdrant ECS service with public IPs, and passes it without", async () => {
    expect(await violations(noPublicBackends, qdrantService(false))).toEqual([]);
    expect(await violations(noPublicBackends, qdrantService(true))).toEqual([
      "qdrant ECS service assigns public IPs to its tasks: set networkConfiguration.assignPublicIp to false and run it in private subnets",
    ]);
  });

  it("refuses ElastiCache without a subnet group or security groups (the default VPC's public subnets)", async () => {
    const group = (extra: Record<string, unknown>) => ({
      type: "aws:elasticache/replicationGroup:ReplicationGroup",
      name: "redis-group",
      props: { description: "queues", engine: "redis", nodeType: "cache.t4g.small", numCacheClusters: 2, atRestEncryptionEnabled: true, transitEncryptionEnabled: true, ...extra },
    });
    expect(await violations(noPublicBackends, group({ subnetGroupName: "redis-subnets-1a2b", securityGroupIds: ["sg-0redis"] }))).toEqual([]);
    // During a preview both come from resources not created yet: set, just not known.
    expect(await violations(noPublicBackends, group({ subnetGroupName: UNKNOWN_STRING, securityGroupIds: [UNKNOWN_STRING] }))).toEqual([]);
    expect(await violations(noPublicBackends, group({ subnetGroupName: "redis-subnets-1a2b", securityGroupIds: [] }))).toHaveLength(1);
    const found = await violations(noPublicBackends, group({}));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^ElastiCache replication group has no subnetGroupName, so it is placed in the default VPC's subnets, which are public/);
    expect(found[1]).toMatch(/has no securityGroupIds/);
  });
});
