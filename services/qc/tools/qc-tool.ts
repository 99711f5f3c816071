/**
 * What a QuantConnect tool is: a declarative entry (name, toolset, zod input, kind, endpoint)
 * that `register-tools.ts` turns into an MCP tool and `tool-list.ts` into its listing. Most
 * tools are one JSON POST; the few that are not say how in `run`.
 */
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { QcBody, QcClient } from "../client/qc-client.js";
import type { QcToolset } from "../toolsets.js";

/**
 * What a call does to the account, which fixes its annotations and whether a failed try may be
 * repeated: `read` changes nothing; `create` adds something each time; `set` makes a state true
 * (again, harmlessly); `update` overwrites; `delete` removes; `live` acts on a live deployment.
 */
export type QcToolKind = "read" | "create" | "set" | "update" | "delete" | "live";

export interface QcToolContext {
  client: QcClient;
  /** `codeSourceId` sent when the client gives none. */
  agentName: string;
  /** This server's version (read_mcp_server_version). */
  serverVersion: string;
}

/** A tool's answer as the client sees it: structured data, and text when JSON is not the best read. */
export interface QcToolOutput {
  data: QcBody;
  text?: string;
  /** Resources holding what `data` left out (large results). */
  links?: { uri: string; name: string; description: string; mimeType: string }[];
}

export interface QcTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  toolset: QcToolset;
  title: string;
  description: string;
  /** The input schema, built on first use (see lazySchema). */
  input: () => S;
  kind: QcToolKind;
  /** Trades live: listed and callable only with QC_ENABLE_LIVE_TRADING=true. */
  liveTrading?: boolean;
  /** Overrides what `kind` implies about sending the call twice (annotation and retries). */
  idempotent?: boolean;
  /** The QuantConnect endpoint, e.g. `/backtests/read`; the body defaults to the arguments. */
  endpoint?: string;
  body?: (args: z.infer<S>, ctx: QcToolContext) => QcBody;
  /** The whole call, for tools that are not one JSON POST. */
  run?: (args: z.infer<S>, ctx: QcToolContext) => Promise<QcToolOutput>;
  /** Shapes the answer; default: the answer as it came. */
  present?: (answer: QcBody, args: z.infer<S>) => QcToolOutput;
}

/**
 * A schema built on first use and kept. Sixty-odd tool schemas built at import were a fifth of
 * the Lambda's cold start; a request needs only the ones it calls, and the listing is built once.
 */
export function lazySchema<S extends z.ZodObject>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

/** Keeps each entry's argument types while letting a toolset export a plain list. */
export function defineTool<S extends z.ZodObject>(tool: QcTool<S>): QcTool {
  return tool as unknown as QcTool;
}

/** True when a failed try may be sent again (see QcCallOptions.idempotent). */
export function isRepeatable(tool: Pick<QcTool, "kind" | "idempotent">): boolean {
  return tool.idempotent ?? (tool.kind === "read" || tool.kind === "set" || tool.kind === "update" || tool.kind === "delete");
}

export function annotationsFor(tool: Pick<QcTool, "title" | "kind" | "idempotent">): ToolAnnotations {
  const base = { title: tool.title, openWorldHint: true };
  if (tool.kind === "read") return { ...base, readOnlyHint: true };
  return {
    ...base,
    readOnlyHint: false,
    destructiveHint: tool.kind === "update" || tool.kind === "delete" || tool.kind === "live",
    idempotentHint: isRepeatable(tool),
  };
}
