/**
 * The `mcpClientConfig` stack output: ready-to-paste JSON for Claude Desktop, Cursor and VS Code
 * pointing at the deployed MCP servers with their keys. Secret, since it holds the keys.
 */
import * as pulumi from "@pulumi/pulumi";
import { httpClientConfigs } from "../services/shared/mcp/client-config.js";
import type { McpEndpoint } from "./targets/target.js";

export function mcpClientConfigOutput(endpoints: readonly McpEndpoint[]): pulumi.Output<string> {
  const targets = endpoints.map((endpoint) =>
    pulumi.all([endpoint.url, endpoint.apiKey]).apply(([url, apiKey]) => ({ name: endpoint.clientName, url, apiKey })),
  );
  return pulumi.secret(pulumi.all(targets).apply((resolved) => JSON.stringify(httpClientConfigs(resolved), null, 2)));
}
