/** Live-commands toolset: send commands to live algorithms. Trades live: gated by QC_ENABLE_LIVE_TRADING. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { openObject, organizationId, projectId } from "./fields.js";

const command = () =>
  openObject(
    'The command, passed through unchanged: its fields, and "$type" naming a command class of the algorithm ' +
      '(e.g. {"$type": "OrderCommand", "symbol": {...}, "quantity": "0.1"}).',
    200,
  ).refine((value) => Object.keys(value).length > 0, { message: "the command is empty: give its fields" });

export const CreateLiveCommandSchema = lazySchema(() => z.strictObject({
  projectId: projectId("Id of the project whose live algorithm runs the command."),
  command: command(),
}));

export const BroadcastLiveCommandSchema = lazySchema(() => z.strictObject({
  organizationId: organizationId("Organization whose live algorithms all receive the command."),
  excludeProjectId: projectId("A project to leave out of the broadcast.").optional(),
  command: command(),
}));

export const LIVE_COMMAND_TOOLS: QcTool[] = [
  defineTool({
    name: "create_live_command",
    toolset: "live-commands",
    title: "Send live command",
    description: "Send a command (an order, a parameter change) to one live algorithm.",
    input: CreateLiveCommandSchema,
    kind: "live",
    liveTrading: true,
    endpoint: "/live/commands/create",
  }),
  defineTool({
    name: "broadcast_live_command",
    toolset: "live-commands",
    title: "Broadcast live command",
    description: "Send a command to every live algorithm of an organization.",
    input: BroadcastLiveCommandSchema,
    kind: "live",
    liveTrading: true,
    endpoint: "/live/commands/broadcast",
  }),
];
