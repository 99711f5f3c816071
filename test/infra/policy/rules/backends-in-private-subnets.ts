/** backends-in-private-subnets: follows subnet groups and backend services to their subnets' route tables. */
import { describe, expect, it } from "vitest";
import { backendsInPrivateSubnets } from "../../../../infra/policy/rules/backends-in-private-subnets.js";
import { UNKNOWN_STRING, validateStack, type StackResource } from "../harness.js";

/** A VPC like the aws target's: public subnets routed to the internet gateway, private ones to a NAT gateway. */
function network(): StackResource[] {
  const parents = ["quantmind:aws:Network"];
  return [
    { type: "aws:ec2/internetGateway:InternetGateway", name: "net-igw", parents, props: { vpcId: "vpc-0abc", id: "igw-0abc" } },
    { type: "aws:ec2/natGateway:NatGateway", name: "net-nat-0", parents, props: { subnetId: "subnet-0pub", id: "nat-0abc" } },
    { type: "aws:ec2/routeTable:RouteTable", name: "net-public-rt", parents, props: { vpcId: "vpc-0abc", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }] }, dependsOn: { routes: ["net-igw"] } },
    { type: "aws:ec2/routeTable:RouteTable", name: "net-private-rt", parents, props: { vpcId: "vpc-0abc", routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0abc" }] }, dependsOn: { routes: ["net-nat-0"] } },
    { type: "aws:ec2/subnet:Subnet", name: "net-public-0", parents, props: { vpcId: "vpc-0abc", cidrBlock: "10.40.0.0/20", mapPublicIpOnLaunch: false } },
    { type: "aws:ec2/subnet:Subnet", name: "net-private-0", parents, props: { vpcId: "vpc-0abc", cidrBlock: "10.40.128.0/20", mapPublicIpOnLaunch: false } },
    { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "net-public-0-rta", parents, props: {}, dependsOn: { subnetId: ["net-public-0"], routeTableId: ["net-public-rt"] } },
    { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "net-private-0-rta", parents, props: {}, dependsOn: { subnetId: ["net-private-0"], routeTableId: ["net-private-rt"] } },
  ];
}

const subnetGroup = (subnet: string): StackResource => ({
  type: "aws:elasticache/subnetGroup:SubnetGroup",
  name: "redis-subnets",
  parents: ["quantmind:aws:Redis"],
  props: { description: "private subnets", subnetIds: [UNKNOWN_STRING] },
  dependsOn: { subnetIds: [subnet] },
});

const qdrantService = (subnet: string): StackResource => ({
  type: "aws:ecs/service:Service",
  name: "qdrant-service",
  parents: ["quantmind:aws:Qdrant"],
  props: { networkConfiguration: { subnets: [UNKNOWN_STRING], assignPublicIp: false } },
  dependsOn: { networkConfiguration: [subnet, "net-igw"] },
});

describe("backends-in-private-subnets", () => {
  it("passes ElastiCache and Qdrant in private subnets, even while ids are unknown (preview)", async () => {
    expect(await validateStack(backendsInPrivateSubnets, [...network(), subnetGroup("net-private-0"), qdrantService("net-private-0")])).toEqual([]);
  });

  it("refuses an ElastiCache subnet group in a subnet routed to the internet gateway", async () => {
    expect(await validateStack(backendsInPrivateSubnets, [...network(), subnetGroup("net-public-0")])).toEqual([
      {
        resource: "redis-subnets",
        message: 'ElastiCache subnet group SubnetGroup "redis-subnets" uses subnet Subnet "net-public-0", which is public: its route table RouteTable "net-public-rt" routes to an internet gateway. Use the private subnets',
      },
    ]);
  });

  it("refuses the Qdrant service in a subnet that hands out public IPs, and a route added as its own resource", async () => {
    const resources = network();
    const privateSubnet = resources.find((r) => r.name === "net-private-0") as StackResource;
    privateSubnet.props = { ...privateSubnet.props, mapPublicIpOnLaunch: true };
    const found = await validateStack(backendsInPrivateSubnets, [...resources, qdrantService("net-private-0")]);
    expect(found.map((v) => v.message)).toEqual([
      'qdrant ECS service Service "qdrant-service" uses subnet Subnet "net-private-0", which is public: it gives instances public IPs (mapPublicIpOnLaunch). Use the private subnets',
    ]);

    const routed = network();
    routed.push({ type: "aws:ec2/route:Route", name: "private-to-igw", props: { destinationCidrBlock: "0.0.0.0/0" }, dependsOn: { routeTableId: ["net-private-rt"], gatewayId: ["net-igw"] } });
    expect(await validateStack(backendsInPrivateSubnets, [...routed, subnetGroup("net-private-0")])).toHaveLength(1);
  });

  it("ignores services that are not backends", async () => {
    const kb = { ...qdrantService("net-public-0"), name: "kb-mcp-service", parents: ["quantmind:aws:Service"] };
    expect(await validateStack(backendsInPrivateSubnets, [...network(), kb])).toEqual([]);
  });
});
