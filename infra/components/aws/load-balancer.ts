/**
 * The public edge of the aws target: an internet-facing ALB in the public subnets, HTTPS only
 * (HTTP redirects), a TLS 1.2+/1.3 policy and the stack's certificate, reachable only from the
 * allowed CIDRs, with one path route per MCP service: `/<route>/mcp` is rewritten to the
 * service's own `/mcp`, so every service keeps the one MCP path of the contract.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** TLS 1.3 and 1.2 with forward-secret AEAD ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";

export interface LoadBalancerRoute {
  /** Catalogue service name, e.g. `kb-mcp`. */
  service: string;
  /** Public path prefix without slashes, e.g. `kb`: clients use `https://<host>/kb/mcp`. */
  prefix: string;
  /** The service's container port. */
  port: number;
  /** What the target group probes; default `/healthz`. */
  healthPath?: string;
}

export interface LoadBalancerArgs {
  vpcId: pulumi.Input<string>;
  /** Public subnets, one per zone. */
  subnetIds: pulumi.Input<string>[];
  /** Who may connect (443 and 80). */
  allowedCidrs: readonly string[];
  certificateArn: pulumi.Input<string>;
  /** The services' security group: the ALB may reach it on the routes' ports, and it lets the ALB in. */
  targetSecurityGroupId: pulumi.Input<string>;
  routes: readonly LoadBalancerRoute[];
  deletionProtection: boolean;
}

/** The public path of a route's MCP endpoint. */
export function mcpPath(prefix: string): string {
  return `/${prefix}/mcp`;
}

export class LoadBalancer extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly arnSuffix: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** By service name. */
  readonly targetGroups: Readonly<Record<string, { arn: pulumi.Output<string>; arnSuffix: pulumi.Output<string> }>>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:LoadBalancer", name, {}, opts);
    const parent = { parent: this };

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: "ALB: HTTPS (and the HTTP redirect) from the allowed CIDRs" }, parent);
    args.allowedCidrs.forEach((cidr, i) => {
      for (const port of [443, 80]) {
        new aws.vpc.SecurityGroupIngressRule(`${name}-in-${port}-${i}`, { securityGroupId: sg.id, cidrIpv4: cidr, ipProtocol: "tcp", fromPort: port, toPort: port, description: `${port} from ${cidr}` }, parent);
      }
    });
    for (const port of [...new Set(args.routes.map((r) => r.port))]) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-to-services-${port}`, { securityGroupId: sg.id, referencedSecurityGroupId: args.targetSecurityGroupId, ipProtocol: "tcp", fromPort: port, toPort: port, description: "to the services" }, parent);
      new aws.vpc.SecurityGroupIngressRule(`${name}-services-from-alb-${port}`, { securityGroupId: args.targetSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, description: "from the ALB" }, parent);
    }

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.subnetIds,
        securityGroups: [sg.id],
        // Malformed headers are dropped rather than passed to the services (request smuggling).
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableDeletionProtection: args.deletionProtection,
        idleTimeout: 60,
      },
      parent,
    );

    new aws.lb.Listener(
      `${name}-http`,
      { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] },
      parent,
    );
    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: args.certificateArn,
        defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "application/json", messageBody: '{"error":"not found"}' } }],
      },
      parent,
    );

    const targetGroups: Record<string, { arn: pulumi.Output<string>; arnSuffix: pulumi.Output<string> }> = {};
    args.routes.forEach((route, i) => {
      const group = new aws.lb.TargetGroup(
        `${name}-${route.service}`,
        {
          vpcId: args.vpcId,
          targetType: "ip",
          protocol: "HTTP",
          port: route.port,
          // Stateless MCP requests finish quickly; no need to hold a draining task for the default 300 s.
          deregistrationDelay: 30,
          healthCheck: { path: route.healthPath ?? "/healthz", matcher: "200", interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
        },
        parent,
      );
      const path = mcpPath(route.prefix);
      new aws.lb.ListenerRule(
        `${name}-${route.service}`,
        {
          listenerArn: https.arn,
          priority: 10 * (i + 1),
          conditions: [{ pathPattern: { values: [path] } }],
          transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: `^${path}$`, replace: "/mcp" } } }],
          actions: [{ type: "forward", targetGroupArn: group.arn }],
        },
        parent,
      );
      targetGroups[route.service] = { arn: group.arn, arnSuffix: group.arnSuffix };
    });

    this.dnsName = alb.dnsName;
    this.arnSuffix = alb.arnSuffix;
    this.securityGroupId = sg.id;
    this.targetGroups = targetGroups;
    this.registerOutputs({ dnsName: this.dnsName, securityGroupId: this.securityGroupId });
  }
}
