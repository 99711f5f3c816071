/**
 * The network for created VPS hosts: a small VPC with one public subnet, and least-privilege
 * security groups. Operators reach SSH (and RDP on Windows) from their CIDRs only; the MT5
 * bridge port on Windows is open to the Linux host's group only. Nothing else comes in.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CidrError } from "../../errors.js";
import { ANY_IPV4, parseCidr, subnet } from "../../ipv4.js";

export interface VpsNetworkArgs {
  vpcCidr: string;
  /** Who may reach SSH and RDP. */
  operatorCidrs: string[];
  /** TCP port of the MT5 socket bridge on the Windows host. */
  bridgePort: number;
  tags: Record<string, string>;
}

export class VpsNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetId: pulumi.Output<string>;
  readonly linuxSecurityGroupId: pulumi.Output<string>;
  readonly windowsSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: VpsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:vps:Network", name, {}, opts);
    const parent = { parent: this };
    const tags = (role: string) => ({ ...args.tags, Name: `${name}-${role}` });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") }, parent);
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
    const subnet = new aws.ec2.Subnet(
      `${name}-public`,
      { vpcId: vpc.id, cidrBlock: firstSlash24(args.vpcCidr), mapPublicIpOnLaunch: false, tags: tags("public") },
      parent,
    );
    const routes = new aws.ec2.RouteTable(
      `${name}-routes`,
      { vpcId: vpc.id, routes: [{ cidrBlock: ANY_IPV4, gatewayId: gateway.id }], tags: tags("routes") },
      parent,
    );
    new aws.ec2.RouteTableAssociation(`${name}-routes-public`, { subnetId: subnet.id, routeTableId: routes.id }, parent);

    const egressAll = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [ANY_IPV4], description: "updates, image pulls, broker APIs" }];
    const linux = new aws.ec2.SecurityGroup(
      `${name}-linux`,
      {
        vpcId: vpc.id,
        description: "QuantMind Linux Docker host: SSH from operators only",
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: args.operatorCidrs, description: "SSH (Docker over SSH, tunnels)" }],
        egress: egressAll,
        tags: tags("linux"),
      },
      parent,
    );
    const windows = new aws.ec2.SecurityGroup(
      `${name}-windows`,
      {
        vpcId: vpc.id,
        description: "QuantMind Windows MT5 host: SSH/RDP from operators, the bridge from the Linux host",
        ingress: [
          { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: args.operatorCidrs, description: "OpenSSH" },
          { protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: args.operatorCidrs, description: "RDP (MT5 terminal login)" },
          { protocol: "tcp", fromPort: args.bridgePort, toPort: args.bridgePort, securityGroups: [linux.id], description: "MT5 socket bridge, Linux host only" },
        ],
        egress: egressAll,
        tags: tags("windows"),
      },
      parent,
    );

    this.vpcId = vpc.id;
    this.subnetId = subnet.id;
    this.linuxSecurityGroupId = linux.id;
    this.windowsSecurityGroupId = windows.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetId: this.subnetId,
      linuxSecurityGroupId: this.linuxSecurityGroupId,
      windowsSecurityGroupId: this.windowsSecurityGroupId,
    });
  }
}

/** The first /24 of a VPC CIDR (the VPC must be /24 or larger). */
export function firstSlash24(vpcCidr: string): string {
  const vpc = parseCidr(vpcCidr);
  if (vpc.bits > 24) throw new CidrError(`VPC CIDR ${vpcCidr} is smaller than a /24`);
  return subnet(vpc, 24, 0);
}
