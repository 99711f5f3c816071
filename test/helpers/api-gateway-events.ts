/** API Gateway REST proxy events (payload 1.0) as the Lambda receives them, for handler tests. */
import type { ApiGatewayProxyEvent } from "../../services/qc/lambda/api-gateway.js";

export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

export function apiGatewayEvent(method: string, options: { path?: string; headers?: Record<string, string>; body?: unknown; base64?: boolean } = {}): ApiGatewayProxyEvent {
  const text = options.body === undefined ? null : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return {
    httpMethod: method,
    path: options.path ?? "/mcp",
    headers: { host: "abc123.execute-api.eu-west-1.amazonaws.com", "x-forwarded-proto": "https", ...options.headers },
    multiValueHeaders: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: text === null ? null : options.base64 ? Buffer.from(text).toString("base64") : text,
    isBase64Encoded: options.base64 ?? false,
    requestContext: { requestId: "req-1", stage: "prod", domainName: "abc123.execute-api.eu-west-1.amazonaws.com" },
  };
}

/** A JSON-RPC POST to /mcp with the given key. */
export function mcpEvent(apiKey: string | undefined, message: unknown, extraHeaders: Record<string, string> = {}): ApiGatewayProxyEvent {
  return apiGatewayEvent("POST", { headers: { ...MCP_HEADERS, ...(apiKey !== undefined && { "x-api-key": apiKey }), ...extraHeaders }, body: message });
}

export function toolCall(id: number, name: string, args: Record<string, unknown>) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}
