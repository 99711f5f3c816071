/** Compile toolset: compile a project and read the result. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { compileId, projectId } from "./fields.js";

export const CreateCompileSchema = lazySchema(() => z.strictObject({ projectId: projectId("Id of the project to compile.") }));

export const ReadCompileSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  compileId: compileId(),
}));

export const COMPILE_TOOLS: QcTool[] = [
  defineTool({
    name: "create_compile",
    toolset: "compile",
    title: "Compile project",
    description: "Start compiling a project; poll read_compile with the compileId until BuildSuccess or BuildError.",
    input: CreateCompileSchema,
    kind: "create",
    endpoint: "/compile/create",
  }),
  defineTool({
    name: "read_compile",
    toolset: "compile",
    title: "Read compile",
    description: "State (InQueue, BuildSuccess, BuildError) and logs of a compile job.",
    input: ReadCompileSchema,
    kind: "read",
    endpoint: "/compile/read",
  }),
];
