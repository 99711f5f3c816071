/** Account toolset: the organization's account status. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";

export const ReadAccountSchema = lazySchema(() => z.strictObject({}));

export const ACCOUNT_TOOLS: QcTool[] = [
  defineTool({
    name: "read_account",
    toolset: "account",
    title: "Read account",
    description: "The organization's account status: organization id, credit balance, card on file.",
    input: ReadAccountSchema,
    kind: "read",
    endpoint: "/account/read",
  }),
];
