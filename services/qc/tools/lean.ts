/** Lean toolset: the LEAN engine versions a deployment can pin. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";

export const ReadLeanVersionsSchema = lazySchema(() => z.strictObject({}));

export const LEAN_TOOLS: QcTool[] = [
  defineTool({
    name: "read_lean_versions",
    toolset: "lean",
    title: "Read LEAN versions",
    description: "LEAN engine versions, newest first, with their ids for create_live_algorithm's versionId.",
    input: ReadLeanVersionsSchema,
    kind: "read",
    endpoint: "/lean/versions/read",
  }),
];
