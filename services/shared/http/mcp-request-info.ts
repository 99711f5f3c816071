/**
 * What one `POST /mcp` body asks for, read once after the size limit: the parsed JSON-RPC
 * message(s), the methods and tool names (for the access log and for admission), and how many
 * requests it carries (what the rate limit counts). Also refuses batches over a small bound: the
 * current MCP revision has no batching at all, and one 100-call batch was one HTTP request
 * doing the work of a hundred.
 */
import type { MiddlewareHandler } from "hono";

export interface McpRequestInfo {
  /** The body as sent. */
  text: string;
  /** The parsed body, or undefined when it is not JSON (the transport answers that itself). */
  parsed: unknown;
  /** JSON-RPC requests in the body (messages with a method and an id); notifications are free. */
  calls: number;
  /** Distinct methods, in order of first appearance, e.g. `tools/call`. */
  methods: string[];
  /** Distinct tool names of the body's `tools/call` messages. */
  tools: string[];
  /** Messages per tool name, e.g. how many searches a request queues. */
  toolCalls: Map<string, number>;
}

declare module "hono" {
  interface ContextVariableMap {
    mcpRequest: McpRequestInfo;
  }
}

/** Default largest JSON-RPC batch accepted in one POST. */
export const DEFAULT_MAX_BATCH_MESSAGES = 10;

export function describeMcpBody(text: string): McpRequestInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const messages = Array.isArray(parsed) ? parsed : parsed === undefined ? [] : [parsed];
  const methods = new Set<string>();
  const toolCalls = new Map<string, number>();
  let calls = 0;
  for (const message of messages) {
    const { method, id, params } = (message ?? {}) as { method?: unknown; id?: unknown; params?: { name?: unknown } };
    if (typeof method !== "string") continue;
    methods.add(method);
    if (id !== undefined) calls++;
    if (method === "tools/call" && typeof params?.name === "string") {
      toolCalls.set(params.name, (toolCalls.get(params.name) ?? 0) + 1);
    }
  }
  return { text, parsed, calls: Math.max(calls, 1), methods: [...methods], tools: [...toolCalls.keys()], toolCalls };
}

/** Reads and describes the body into `c.var.mcpRequest`; a batch over `maxBatch` gets 400. */
export function readMcpBody(maxBatch: number = DEFAULT_MAX_BATCH_MESSAGES): MiddlewareHandler {
  return async (c, next) => {
    const info = describeMcpBody(await c.req.text());
    if (Array.isArray(info.parsed) && info.parsed.length > maxBatch) {
      return c.json(
        {
          jsonrpc: "2.0",
          error: {
            code: -32600,
            message: `a batch of ${info.parsed.length} messages is over this server's limit of ${maxBatch}: send the calls as separate requests`,
          },
          id: null,
        },
        400,
      );
    }
    c.set("mcpRequest", info);
    await next();
  };
}
