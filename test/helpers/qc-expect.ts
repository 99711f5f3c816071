/** The checks every end-to-end walk of TOOL_CALLS makes on one call's result and requests. */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import type { RecordedCall } from "./qc-api-server.js";
import type { ToolCallCase } from "./qc-tool-calls.js";

/** `calls`: what the QuantConnect stand-in recorded for this call alone. */
export function expectToolCall(name: string, expected: ToolCallCase, result: CallToolResult, calls: readonly RecordedCall[]): void {
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  expect(result.isError, `${name}: ${text}`).toBeFalsy();
  expect(calls.map((c) => c.endpoint), name).toEqual(expected.endpoints);
  for (const call of calls) expect(call.authorized, `${name} ${call.endpoint} authenticated`).toBe(true);
  const last = calls[calls.length - 1];
  if (expected.sentExactly) expect(last?.body, `${name} body`).toEqual(expected.sentExactly);
  if (expected.sent) expect(last?.body, `${name} body`).toMatchObject(expected.sent);
  expect(result.structuredContent, `${name} structuredContent`).toBeDefined();
  if (expected.answer) expect(result.structuredContent, `${name} answer`).toMatchObject(expected.answer);
  // The text block is never empty and carries the data (the peer's results had no content).
  expect(text.length, `${name} text`).toBeGreaterThan(0);
  const json = text.slice(text.indexOf("{"));
  if (text.startsWith("{")) expect(JSON.parse(json), `${name} text is the data`).toEqual(result.structuredContent);
}
