/** Files toolset: create, read, rename, rewrite, patch and delete project files. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool, type QcToolContext } from "./qc-tool.js";
import { codeSourceId, fileContent, fileName, MAX_CONTENT_CHARS, projectId } from "./fields.js";

export const CreateFileSchema = lazySchema(() => z.strictObject({
  projectId: projectId("Id of the project to add the file to."),
  name: fileName("Name of the new file, e.g. alpha.py or indicators/momentum.py."),
  content: fileContent("Contents of the new file.").optional(),
  codeSourceId: codeSourceId(),
}));

export const ReadFileSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  name: fileName("Name of the file to read; omit to read every file of the project.").optional(),
  codeSourceId: codeSourceId(),
}));

export const UpdateFileNameSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  name: fileName("Current name of the file."),
  newName: fileName("New name of the file."),
  codeSourceId: codeSourceId(),
}));

export const UpdateFileContentsSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  name: fileName("Name of the file to rewrite."),
  content: fileContent("The file's new contents (the whole file)."),
  codeSourceId: codeSourceId(),
}));

export const PatchFileSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  patch: z
    .string()
    .min(1)
    .max(MAX_CONTENT_CHARS)
    .describe("A unified diff (as git diff prints it) of one or more files of the project."),
  codeSourceId: codeSourceId(),
}));

export const DeleteFileSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  name: fileName("Name of the file to delete."),
  codeSourceId: codeSourceId(),
}));

/** QuantConnect records which agent changed a file. */
const withSource = <T extends { codeSourceId?: string | undefined }>(args: T, ctx: QcToolContext) => ({
  ...args,
  codeSourceId: args.codeSourceId ?? ctx.agentName,
});

export const FILE_TOOLS: QcTool[] = [
  defineTool({
    name: "create_file",
    toolset: "files",
    title: "Create file",
    description: "Add a file to a project.",
    input: CreateFileSchema,
    kind: "set",
    endpoint: "/files/create",
    body: withSource,
  }),
  defineTool({
    name: "read_file",
    toolset: "files",
    title: "Read file",
    description: "Read one file of a project, or all of them when no name is given.",
    input: ReadFileSchema,
    kind: "read",
    endpoint: "/files/read",
    body: withSource,
  }),
  defineTool({
    name: "update_file_name",
    toolset: "files",
    title: "Rename file",
    description: "Rename (or move) a file within its project.",
    input: UpdateFileNameSchema,
    kind: "update",
    endpoint: "/files/update",
    body: withSource,
  }),
  defineTool({
    name: "update_file_contents",
    toolset: "files",
    title: "Rewrite file",
    description: "Replace the whole contents of a file; for small edits prefer patch_file.",
    input: UpdateFileContentsSchema,
    kind: "update",
    endpoint: "/files/update",
    body: withSource,
  }),
  defineTool({
    name: "patch_file",
    toolset: "files",
    title: "Patch file",
    description: "Apply a unified diff to files of a project: the cheap way to make small edits.",
    input: PatchFileSchema,
    kind: "update",
    // A diff that applied once may apply again at another place: never sent twice.
    idempotent: false,
    endpoint: "/files/patch",
    body: withSource,
  }),
  defineTool({
    name: "delete_file",
    toolset: "files",
    title: "Delete file",
    description: "Delete a file from a project.",
    input: DeleteFileSchema,
    kind: "delete",
    endpoint: "/files/delete",
    body: withSource,
  }),
];
