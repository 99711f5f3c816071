/**
 * Resource reads fail as JSON-RPC errors (there is no `isError` result for them), so the stable
 * code goes first in the message and in `data.code`, as tools put it first in their text: a
 * client tells a refused path from a missing article from a server fault without parsing prose.
 */
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { QuantMindError } from "../errors.js";

/** JSON-RPC code the MCP specification gives a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;

/** Codes that mean "no such resource"; any other client-side code is invalid params. */
const NOT_FOUND_CODES = new Set(["NOT_FOUND"]);

/**
 * Converts what a resource read threw: a non-internal QuantMindError keeps its code and message
 * (-32002 for NOT_FOUND, -32602 otherwise), an McpError passes as is, anything else is logged
 * and masked as `INTERNAL` (-32603).
 */
export function toResourceError(error: unknown, uri: string, logger?: Logger): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof QuantMindError && !error.internal) {
    const code = NOT_FOUND_CODES.has(error.code) ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
    return new McpError(code, `${error.code}: ${error.message}`, { code: error.code, uri });
  }
  const code = error instanceof QuantMindError ? error.code : "INTERNAL";
  logger?.error({ err: error, uri, code }, "resource read failed");
  return new McpError(ErrorCode.InternalError, `${code}: reading ${uri} failed on the server side; the server log has the details`, { code, uri });
}
