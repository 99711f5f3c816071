/**
 * Ready-to-paste MCP client configurations (Claude Desktop, Cursor, VS Code) for a server
 * reached over HTTP with an API key, or launched over stdio. The Pulumi stack outputs reuse it.
 */

export interface HttpClientTarget {
  /** Server name as it appears in the client, e.g. `quantmind-kb`. */
  name: string;
  /** Full MCP endpoint URL, ending in `/mcp`. */
  url: string;
  apiKey: string;
}

export interface StdioClientTarget {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface McpClientConfigs {
  /** claude_desktop_config.json; remote servers go through the `mcp-remote` bridge. */
  claudeDesktop: { mcpServers: Record<string, unknown> };
  /** ~/.cursor/mcp.json or .cursor/mcp.json. */
  cursor: { mcpServers: Record<string, unknown> };
  /** .vscode/mcp.json. */
  vscode: { servers: Record<string, unknown> };
}

export function httpClientConfigs(targets: HttpClientTarget[]): McpClientConfigs {
  const claude: Record<string, unknown> = {};
  const cursor: Record<string, unknown> = {};
  const vscode: Record<string, unknown> = {};
  for (const t of targets) {
    claude[t.name] = {
      command: "npx",
      args: ["-y", "mcp-remote@0.15.1", t.url, "--header", "x-api-key:${QUANTMIND_API_KEY}"],
      env: { QUANTMIND_API_KEY: t.apiKey },
    };
    cursor[t.name] = { url: t.url, headers: { "x-api-key": t.apiKey } };
    vscode[t.name] = { type: "http", url: t.url, headers: { "x-api-key": t.apiKey } };
  }
  return { claudeDesktop: { mcpServers: claude }, cursor: { mcpServers: cursor }, vscode: { servers: vscode } };
}

export function stdioClientConfigs(targets: StdioClientTarget[]): McpClientConfigs {
  const servers: Record<string, unknown> = {};
  for (const t of targets) servers[t.name] = { command: t.command, args: t.args, ...(t.env && { env: t.env }) };
  const vscode: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(servers)) vscode[name] = { type: "stdio", ...(entry as object) };
  return { claudeDesktop: { mcpServers: servers }, cursor: { mcpServers: servers }, vscode: { servers: vscode } };
}
