/**
 * What every target returns to the stack's index.ts: the endpoints it exposes, and for each MCP
 * service the URL and API key clients use. index.ts turns these into stack outputs.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface McpEndpoint {
  /** Catalogue service name, e.g. `kb-mcp`. */
  service: string;
  /** Server name in client configurations, e.g. `quantmind-kb`. */
  clientName: string;
  /** Full URL ending in `/mcp`, as a client on the operator's machine reaches it. */
  url: pulumi.Input<string>;
  /** The key clients send (a secret output). */
  apiKey: pulumi.Input<string>;
}

export interface DeployedTarget {
  /** Every endpoint the stack exposes, by name (service endpoints, hosts, private backends). */
  endpoints: Record<string, pulumi.Input<string>>;
  mcpEndpoints: McpEndpoint[];
  /** How an operator reaches endpoints that are not public (e.g. an SSH tunnel command); optional. */
  accessNotes?: pulumi.Input<string>;
  /**
   * One-shot jobs the target does not run during the deploy itself (aws: ECS tasks), with the
   * command that runs one. Docker targets run jobs as part of `pulumi up` and leave this unset.
   */
  jobs?: Record<string, { taskDefinitionArn: pulumi.Output<string>; runTaskCommand: pulumi.Output<string> }>;
}
