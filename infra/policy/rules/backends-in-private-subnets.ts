/**
 * Redis and Qdrant run in private subnets. Whether a subnet is public is not a property of the
 * subnet alone but of its route table (a route to an internet gateway) and its
 * mapPublicIpOnLaunch, so this is a stack-level rule: it follows the dependency graph from each
 * ElastiCache subnet group and each Qdrant/Redis ECS service to its subnets, and from each subnet
 * to its route tables.
 *
 * Limits: subnets, route tables and gateways the stack does not manage (given by id) cannot be
 * judged and are not reported; a subnet without an explicit route table association uses its
 * VPC's main route table, which is judged only if the stack manages a route on it. Stack policies
 * run after the resources are created, so `pulumi preview --policy-pack` is the place to catch a
 * violation before it exists.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { backendOfNames, backendOfUrn } from "../lib/backends.js";
import { known, list } from "../lib/known.js";
import { label, ofType, propertyDependencies } from "../lib/stack.js";

const isInternetGatewayId = (id: unknown) => typeof id === "string" && id.startsWith("igw-");

function publicRouteTables(resources: readonly PolicyResource[]): Set<PolicyResource> {
  const tables = new Set<PolicyResource>();
  for (const table of ofType(resources, aws.ec2.RouteTable)) {
    const viaGateway = propertyDependencies(table, "routes", aws.ec2.InternetGateway).length > 0;
    const routes = known(() => list(table.props["routes"] as { gatewayId?: string }[] | undefined)) ?? [];
    if (viaGateway || routes.some((route) => isInternetGatewayId(known(() => route.gatewayId)))) tables.add(table);
  }
  for (const route of ofType(resources, aws.ec2.Route)) {
    const viaGateway = propertyDependencies(route, "gatewayId", aws.ec2.InternetGateway).length > 0 || isInternetGatewayId(known(() => route.props["gatewayId"]));
    if (!viaGateway) continue;
    for (const table of propertyDependencies(route, "routeTableId", aws.ec2.RouteTable)) tables.add(table);
    for (const table of propertyDependencies(route, "routeTableId", aws.ec2.DefaultRouteTable)) tables.add(table);
  }
  return tables;
}

/** Public subnets, each with why. */
function publicSubnets(resources: readonly PolicyResource[]): Map<PolicyResource, string> {
  const tables = publicRouteTables(resources);
  const subnets = new Map<PolicyResource, string>();
  for (const subnet of ofType(resources, aws.ec2.Subnet)) {
    if (known(() => subnet.props["mapPublicIpOnLaunch"]) === true) subnets.set(subnet, "it gives instances public IPs (mapPublicIpOnLaunch)");
  }
  for (const association of ofType(resources, aws.ec2.RouteTableAssociation)) {
    const table = propertyDependencies(association, "routeTableId").find((candidate) => tables.has(candidate));
    if (table === undefined) continue;
    for (const subnet of propertyDependencies(association, "subnetId", aws.ec2.Subnet)) {
      subnets.set(subnet, `its route table ${label(table)} routes to an internet gateway`);
    }
  }
  return subnets;
}

export const backendsInPrivateSubnets: StackValidationPolicy = {
  name: "backends-in-private-subnets",
  description: "ElastiCache and the Qdrant/Redis ECS services are placed only in private subnets (no route to an internet gateway, no public IPs).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const exposed = publicSubnets(args.resources);
    if (exposed.size === 0) return;
    const check = (consumer: PolicyResource, subnets: PolicyResource[], what: string) => {
      for (const subnet of subnets) {
        const why = exposed.get(subnet);
        if (why !== undefined) {
          report(`${what} ${label(consumer)} uses subnet ${label(subnet)}, which is public: ${why}. Use the private subnets`, consumer.urn);
        }
      }
    };
    for (const group of ofType(args.resources, aws.elasticache.SubnetGroup)) {
      check(group, propertyDependencies(group, "subnetIds", aws.ec2.Subnet), "ElastiCache subnet group");
    }
    for (const service of ofType(args.resources, aws.ecs.Service)) {
      const backend = backendOfUrn(service.urn) ?? backendOfNames(service.name);
      if (backend !== undefined) check(service, propertyDependencies(service, "networkConfiguration", aws.ec2.Subnet), `${backend} ECS service`);
    }
  },
};
