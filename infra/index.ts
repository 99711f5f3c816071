/**
 * The QuantMind Pulumi program: reads the stack's configuration, deploys its target, and exports
 * the endpoints and a ready-to-paste MCP client configuration.
 *
 *   pulumi up --stack dev        (local Docker)
 *   pulumi up --stack testnet    (VPS pair)
 *   pulumi up --stack prod       (AWS)
 */
import "./runtime-settings.js";
import { loadStackConfig, loadStackSecrets } from "../stacks/load.js";
import { createTarget } from "./create-target.js";
import { mcpClientConfigOutput } from "./mcp-client-config.js";

const config = loadStackConfig();
const deployed = createTarget(config, loadStackSecrets(config));

export const target = config.target;
export const environment = config.environment;
/** Every endpoint the stack exposes, by name. */
export const endpoints = deployed.endpoints;
/** `pulumi stack output mcpClientConfig --show-secrets`: JSON for Claude Desktop, Cursor and VS Code. */
export const mcpClientConfig = mcpClientConfigOutput(deployed.mcpEndpoints);
/** How to reach endpoints that are not public (vps: the SSH tunnel). */
export const accessNotes = deployed.accessNotes;
/** aws: the one-shot jobs (kb-indexer) and the command that runs each. */
export const jobs = deployed.jobs;
