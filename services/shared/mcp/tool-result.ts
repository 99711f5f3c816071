/**
 * Tool results in the shape every QuantMind tool returns: a text block for clients that read
 * text, plus `structuredContent` for clients that read data. Failures are results too
 * (`isError: true`, stable code first in the text), never thrown protocol errors.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { QuantMindError } from "../errors.js";

/** A successful result; `text` defaults to the data as indented JSON. */
export function toolSuccess(data: Record<string, unknown>, text?: string): CallToolResult {
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(data, null, 2) }],
    structuredContent: data,
  };
}

/**
 * A failed result; the text starts with the error's stable code, e.g. `NOT_FOUND: ...`.
 * No `structuredContent`: clients check it against the tool's output schema, which describes
 * success only.
 */
export function toolFailure(code: string, message: string): CallToolResult {
  return { content: [{ type: "text", text: `${code}: ${message}` }], isError: true };
}

/**
 * Runs a tool body and converts what it throws: a `QuantMindError` keeps its code and, unless
 * it is marked internal, its message; anything else is logged and masked as `INTERNAL`.
 */
export async function runTool(
  logger: Logger | undefined,
  tool: string,
  body: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof QuantMindError && !error.internal) return toolFailure(error.code, error.message);
    if (error instanceof QuantMindError) {
      logger?.error({ err: error, tool, code: error.code }, "tool failed");
      return toolFailure(error.code, `${tool} failed on the server side; the server log has the details`);
    }
    logger?.error({ err: error, tool }, "tool failed with an unexpected error");
    return toolFailure("INTERNAL", `${tool} failed unexpectedly; the server log has the details`);
  }
}
