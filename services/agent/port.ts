/**
 * The agent's HTTP port: health, readiness, metrics and its MCP endpoint. On its own, without
 * zod, so the CLI can show it in its option help without loading the configuration schema.
 */
export const AGENT_PORT = 8080;
