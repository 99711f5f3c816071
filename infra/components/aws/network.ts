/**
 * The aws target's private network: a VPC across `azCount` availability zones, public subnets
 * (the ALB and the NAT gateways) and private subnets (every task, Redis, EFS), a NAT gateway per
 * zone, a free S3 gateway endpoint, and the Cloud Map namespace services find Qdrant by.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CidrError, TargetConfigError } from "../../errors.js";
import { ANY_IPV4, parseCidr, subnet } from "../../ipv4.js";

export interface NetworkArgs {
  /** VPC CIDR, at most a /24 (each subnet is a sixteenth of it). */
  cidrBlock: string;
  /** Availability zones to spread over (2 or 3). */
  azCount: number;
  /** Private DNS namespace for service discovery, e.g. `qm-prod.internal`. */
  privateDnsNamespace: string;
  /**
   * `perAz` (default): one NAT gateway per zone, so losing a zone never cuts the other zones'
   * egress (brokers, QuantConnect, image pulls). `single` saves a gateway's hourly cost per zone
   * for stacks that can live with that.
   */
  natGateways?: "perAz" | "single";
}

/** Subnet CIDRs: public subnets take the first blocks of the VPC's sixteenths, private ones the second half. */
export function subnetCidrs(vpcCidr: string, azCount: number): { publicCidrs: string[]; privateCidrs: string[] } {
  const vpc = parseCidr(vpcCidr);
  if (vpc.bits < 8 || vpc.bits > 24) {
    throw new CidrError(`VPC CIDR ${vpcCidr}: use a prefix between /8 and /24, so each of its 16 subnets holds at least 16 addresses`);
  }
  if (azCount < 1 || azCount > 8) throw new TargetConfigError(`azCount ${azCount}: use 1 to 8 availability zones`);
  const block = (index: number) => subnet(vpc, vpc.bits + 4, index);
  return {
    publicCidrs: Array.from({ length: azCount }, (_, i) => block(i)),
    privateCidrs: Array.from({ length: azCount }, (_, i) => block(8 + i)),
  };
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceName: string;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Network", name, {}, opts);
    const parent = { parent: this };
    const { publicCidrs, privateCidrs } = subnetCidrs(args.cidrBlock, args.azCount);
    // Only zones that need no opt-in: Local and Wavelength zones lack Fargate and ElastiCache.
    const zones = aws.getAvailabilityZonesOutput(
      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
      parent,
    );
    const zone = (i: number) =>
      zones.names.apply((names) => {
        const found = names[i];
        if (found === undefined) throw new TargetConfigError(`the region has ${names.length} usable availability zones; quantmind:awsAzCount asks for ${args.azCount}`);
        return found;
      });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: name } }, parent);
    // The default security group allows all traffic between its members; nothing should use it,
    // so it is emptied rather than left as a trap.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, parent);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: name } }, parent);

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      { vpcId: vpc.id, routes: [{ cidrBlock: ANY_IPV4, gatewayId: igw.id }], tags: { Name: `${name}-public` } },
      parent,
    );
    const publicSubnets = publicCidrs.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i}`,
        // No public IPs on launch: only the ALB and the NAT gateways live here, with their own addresses.
        { vpcId: vpc.id, cidrBlock, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: { Name: `${name}-public-${i}` } },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      return subnet;
    });

    const natCount = args.natGateways === "single" ? 1 : args.azCount;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        { allocationId: eip.id, subnetId: publicSubnets[i]!.id, tags: { Name: `${name}-nat-${i}` } },
        { parent: this, dependsOn: [igw] },
      );
    });

    const privateRouteTables = privateCidrs.map((_, i) =>
      new aws.ec2.RouteTable(
        `${name}-private-rt-${i}`,
        { vpcId: vpc.id, routes: [{ cidrBlock: ANY_IPV4, natGatewayId: nats[Math.min(i, natCount - 1)]!.id }], tags: { Name: `${name}-private-${i}` } },
        parent,
      ),
    );
    const privateSubnets = privateCidrs.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        { vpcId: vpc.id, cidrBlock, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: { Name: `${name}-private-${i}` } },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: privateRouteTables[i]!.id }, parent);
      return subnet;
    });

    // ECR serves image layers from S3: the gateway endpoint is free and keeps that bulk off the
    // NAT gateways (billed per GB). Interface endpoints (ECR API, Secrets Manager, Logs) would cost
    // more per month than the little traffic they carry, and the NAT stays for broker egress anyway.
    const region = aws.getRegionOutput({}, parent);
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      { vpcId: vpc.id, serviceName: pulumi.interpolate`com.amazonaws.${region.region}.s3`, vpcEndpointType: "Gateway", routeTableIds: privateRouteTables.map((t) => t.id) },
      parent,
    );

    const namespace = new aws.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      { name: args.privateDnsNamespace, vpc: vpc.id, description: "private service discovery (Qdrant)" },
      parent,
    );

    this.vpcId = vpc.id;
    this.cidrBlock = args.cidrBlock;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.namespaceId = namespace.id;
    this.namespaceName = args.privateDnsNamespace;
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      namespaceId: this.namespaceId,
    });
  }
}
