/** Nodes toolset: the compute nodes a project runs on. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { projectId, qcId } from "./fields.js";

export const ReadProjectNodesSchema = lazySchema(() => z.strictObject({ projectId: projectId() }));

export const UpdateProjectNodesSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  nodes: z
    .array(qcId("Node id."))
    .max(50)
    .optional()
    .describe("Node ids the project may use; omit or [] to let QuantConnect pick the best node."),
}));

export const NODE_TOOLS: QcTool[] = [
  defineTool({
    name: "read_project_nodes",
    toolset: "nodes",
    title: "Read project nodes",
    description: "The backtest, research and live nodes available to a project, and which are selected.",
    input: ReadProjectNodesSchema,
    kind: "read",
    endpoint: "/projects/nodes/read",
  }),
  defineTool({
    name: "update_project_nodes",
    toolset: "nodes",
    title: "Select project nodes",
    description: "Choose the nodes a project may use (or automatic selection).",
    input: UpdateProjectNodesSchema,
    kind: "set",
    endpoint: "/projects/nodes/update",
  }),
];
