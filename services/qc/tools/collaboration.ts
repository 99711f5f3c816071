/** Collaboration toolset: project collaborators and the edit lock. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { codeSourceId, projectId } from "./fields.js";

const userId = (description: string) => z.string().min(1).max(100).describe(description);

export const CreateProjectCollaboratorSchema = lazySchema(() => z.strictObject({
  projectId: projectId("Id of the project to add the collaborator to."),
  collaboratorUserId: userId("User id of the collaborator to add."),
  collaborationLiveControl: z.boolean().describe("Allow them to deploy and stop live algorithms."),
  collaborationWrite: z.boolean().describe("Allow them to edit the code."),
}));

export const ReadProjectCollaboratorsSchema = lazySchema(() => z.strictObject({ projectId: projectId() }));

export const UpdateProjectCollaboratorSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  collaboratorUserId: userId("User id of the collaborator to update."),
  liveControl: z.boolean().describe("Allow them to deploy and stop live algorithms."),
  write: z.boolean().describe("Allow them to edit the code."),
}));

export const DeleteProjectCollaboratorSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  collaboratorId: userId("User id of the collaborator to remove."),
}));

export const LockProjectWithCollaboratorsSchema = lazySchema(() => z.strictObject({
  projectId: projectId("Id of the project to lock for editing."),
  codeSourceId: codeSourceId(),
}));

export const COLLABORATION_TOOLS: QcTool[] = [
  defineTool({
    name: "create_project_collaborator",
    toolset: "collaboration",
    title: "Add collaborator",
    description: "Add a collaborator to a project with read/write and live-control rights.",
    input: CreateProjectCollaboratorSchema,
    kind: "set",
    endpoint: "/projects/collaboration/create",
  }),
  defineTool({
    name: "read_project_collaborators",
    toolset: "collaboration",
    title: "List collaborators",
    description: "The collaborators of a project and your own rights on it.",
    input: ReadProjectCollaboratorsSchema,
    kind: "read",
    endpoint: "/projects/collaboration/read",
  }),
  defineTool({
    name: "update_project_collaborator",
    toolset: "collaboration",
    title: "Update collaborator",
    description: "Change a collaborator's write and live-control rights.",
    input: UpdateProjectCollaboratorSchema,
    kind: "update",
    endpoint: "/projects/collaboration/update",
  }),
  defineTool({
    name: "delete_project_collaborator",
    toolset: "collaboration",
    title: "Remove collaborator",
    description: "Remove a collaborator from a project.",
    input: DeleteProjectCollaboratorSchema,
    kind: "delete",
    endpoint: "/projects/collaboration/delete",
  }),
  defineTool({
    name: "lock_project_with_collaborators",
    toolset: "collaboration",
    title: "Lock project",
    description: "Take the edit lock of a shared project before changing its files.",
    input: LockProjectWithCollaboratorsSchema,
    kind: "set",
    endpoint: "/projects/collaboration/lock/acquire",
    body: (args, ctx) => ({ ...args, codeSourceId: args.codeSourceId ?? ctx.agentName }),
  }),
];
