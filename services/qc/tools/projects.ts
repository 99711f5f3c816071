/** Projects toolset: create, read, list, update and delete projects. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { language, name, organizationId, pageIndex, projectId } from "./fields.js";

export const CreateProjectSchema = lazySchema(() => z.strictObject({
  name: name("Project name."),
  language: language("Programming language of the project."),
  organizationId: organizationId("Organization to create the project in; default: your preferred organization.").optional(),
}));

export const ReadProjectSchema = lazySchema(() => z
  .strictObject({
    projectId: projectId("Id of the project to read.").optional(),
    start: pageIndex("First (inclusive, zero-based) index of recent projects to read; omit projectId when set.").optional(),
    end: pageIndex("Last (exclusive) index of recent projects to read; omit projectId when set.").optional(),
  })
  .superRefine((args, ctx) => {
    if (args.projectId !== undefined && (args.start !== undefined || args.end !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["projectId"], message: "give projectId, or start/end, not both" });
    }
    if (args.start !== undefined && args.end !== undefined && args.end <= args.start) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "end must be greater than start" });
    }
  }));

export const ListProjectsSchema = lazySchema(() => z.strictObject({}));

export const UpdateProjectSchema = lazySchema(() => z
  .strictObject({
    projectId: projectId(),
    name: name("New project name.").optional(),
    description: z.string().max(10_000).optional().describe("New project description."),
  })
  .refine((args) => args.name !== undefined || args.description !== undefined, {
    path: ["name"],
    message: "give a new name, a new description, or both",
  }));

export const DeleteProjectSchema = lazySchema(() => z.strictObject({ projectId: projectId("Id of the project to delete.") }));

export const PROJECT_TOOLS: QcTool[] = [
  defineTool({
    name: "create_project",
    toolset: "projects",
    title: "Create project",
    description: "Create a project (with a starter main file) in your organization.",
    input: CreateProjectSchema,
    kind: "create",
    endpoint: "/projects/create",
  }),
  defineTool({
    name: "read_project",
    toolset: "projects",
    title: "Read project",
    description: "Details of one project, or of a window of recent projects (start/end).",
    input: ReadProjectSchema,
    kind: "read",
    endpoint: "/projects/read",
  }),
  defineTool({
    name: "list_projects",
    toolset: "projects",
    title: "List projects",
    description: "Details of all your projects.",
    input: ListProjectsSchema,
    kind: "read",
    endpoint: "/projects/read",
  }),
  defineTool({
    name: "update_project",
    toolset: "projects",
    title: "Update project",
    description: "Rename a project or replace its description.",
    input: UpdateProjectSchema,
    kind: "update",
    endpoint: "/projects/update",
  }),
  defineTool({
    name: "delete_project",
    toolset: "projects",
    title: "Delete project",
    description: "Delete a project with its files and backtests. Cannot be undone.",
    input: DeleteProjectSchema,
    kind: "delete",
    endpoint: "/projects/delete",
  }),
];
