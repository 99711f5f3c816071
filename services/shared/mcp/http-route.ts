/**
 * Stateless Streamable HTTP for MCP: every POST gets a fresh server and transport, so concurrent
 * requests never share state and any replica can answer any request.
 * GET (server-initiated streams) and DELETE (session end) have no meaning without sessions: 405.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Handler } from "hono";

export const MCP_ALLOWED_METHODS = "POST, OPTIONS";

/**
 * Builds the MCP server for one request. `messages` is the request's parsed JSON-RPC body (one
 * message or a batch) when it is JSON, so a server can prepare only what the request needs.
 */
export type McpServerFactory = (messages?: unknown) => McpServer;

/** The POST handler: one server and one transport per request, closed once the reply is built. */
export function mcpPostHandler(createServer: McpServerFactory): Handler {
  return async (c) => {
    // Read and parsed once by readMcpBody when it ran; parsed here otherwise.
    const known = c.get("mcpRequest") as { text: string; parsed: unknown } | undefined;
    const text = known?.text ?? (await c.req.text());
    let parsed: unknown = known?.parsed;
    if (!known) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined; // the transport answers the parse error in its own words
      }
    }
    const server = createServer(parsed);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      return parsed === undefined
        ? await transport.handleRequest(new Request(c.req.url, { method: "POST", headers: c.req.raw.headers, body: text }))
        : await transport.handleRequest(c.req.raw, { parsedBody: parsed });
    } finally {
      // With JSON responses the body is complete once handleRequest resolves. Closing on the next
      // turn, once the request's handler has wound down, aborts nothing: closing at once aborts the
      // handler's signal, an exception built and thrown away on every request.
      setImmediate(() => {
        server.close().catch(() => undefined); // nothing is left to flush; a failed close loses nothing
      });
    }
  };
}

/** The answer to GET and DELETE on the MCP path. */
export const mcpMethodNotAllowed: Handler = (c) => {
  c.header("Allow", MCP_ALLOWED_METHODS);
  return c.json(
    { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this server is stateless, use POST" }, id: null },
    405,
  );
};
