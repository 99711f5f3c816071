/**
 * The SDK validates each request's params with zod before the handler runs, and a failure leaves
 * as JSON-RPC -32603 "internal error" carrying the raw zod issue dump (e.g. `tools/call` with a
 * string for `arguments`). That is the client's mistake, not the server's: this turns it into
 * -32602 invalid params with one line naming the field.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

type RequestHandler = (request: unknown, extra: unknown) => Promise<unknown>;

/**
 * Wraps every request handler registered on `server` so far. Call it last, after the tools and
 * resources are registered. The SDK offers no hook for this, so it reaches the protocol's handler
 * map; if a later SDK renames it, the wrapping is skipped and only the error text is worse.
 */
export function cleanParamErrors(server: McpServer): McpServer {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, RequestHandler> })._requestHandlers;
  if (!(handlers instanceof Map)) return server;
  for (const [method, handler] of handlers) {
    handlers.set(method, async (request, extra) => {
      try {
        return await handler(request, extra);
      } catch (error) {
        if (!isZodError(error)) throw error;
        const issue = error.issues[0];
        const where = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "params";
        throw new McpError(ErrorCode.InvalidParams, `invalid params for ${method}: ${where}: ${issue?.message ?? "invalid"}`);
      }
    });
  }
  return server;
}

interface ZodLikeError {
  issues: { path: PropertyKey[]; message: string }[];
}

/** The SDK's schemas may come from another zod build than ours (classic or core), so no instanceof. */
function isZodError(error: unknown): error is ZodLikeError {
  return error instanceof Error && /ZodError/.test(error.name) && Array.isArray((error as Partial<ZodLikeError>).issues);
}
