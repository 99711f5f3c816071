/**
 * Object-store toolset: upload, inspect, list, download and delete Object Store files. Uploads
 * take text or base64 over JSON and go to QuantConnect as the multipart form it expects.
 */
import { z } from "zod";
import { InvalidArgumentError } from "../errors.js";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { organizationId, qcId } from "./fields.js";

/** Largest `objectData` accepted (characters): about 2.2 MB of binary as base64. */
export const MAX_OBJECT_DATA_CHARS = 3_000_000;

const key = (description: string) => z.string().min(1).max(500).describe(description);

export const UploadObjectSchema = lazySchema(() => z.strictObject({
  organizationId: organizationId(),
  key: key("Key to store the object under, e.g. models/weights.json."),
  objectData: z.string().max(MAX_OBJECT_DATA_CHARS).describe("The object's content: text, or base64 when encoding is base64."),
  encoding: z.enum(["utf8", "base64"]).default("utf8").describe("How objectData is given: utf8 text (default) or base64 bytes."),
}));

export const ReadObjectPropertiesSchema = lazySchema(() => z.strictObject({ organizationId: organizationId(), key: key("Key of the object.") }));

export const ReadObjectStoreFileJobIdSchema = lazySchema(() => z.strictObject({
  organizationId: organizationId(),
  keys: z.array(key("Key of an object to include.")).min(1).max(100).describe("Keys of the objects to package for download."),
}));

export const ReadObjectStoreFileDownloadUrlSchema = lazySchema(() => z.strictObject({
  organizationId: organizationId(),
  jobId: qcId("Job id from read_object_store_file_job_id."),
}));

export const ListObjectStoreFilesSchema = lazySchema(() => z.strictObject({
  organizationId: organizationId(),
  path: z.string().min(1).max(500).optional().describe("Folder to list, e.g. /models; default the root."),
}));

export const DeleteObjectSchema = lazySchema(() => z.strictObject({ organizationId: organizationId(), key: key("Key of the object to delete.") }));

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeObjectData(data: string, encoding: "utf8" | "base64"): Buffer {
  if (encoding === "utf8") return Buffer.from(data, "utf8");
  const compact = data.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new InvalidArgumentError("objectData is not valid base64 (A-Z a-z 0-9 + /, padded with = to a multiple of 4)");
  }
  return Buffer.from(compact, "base64");
}

export const OBJECT_STORE_TOOLS: QcTool[] = [
  defineTool({
    name: "upload_object",
    toolset: "object-store",
    title: "Upload object",
    description: "Store text or base64-encoded bytes in the Object Store under a key (replaces what the key held).",
    input: UploadObjectSchema,
    kind: "update",
    run: async (args, ctx) => {
      const bytes = decodeObjectData(args.objectData, args.encoding);
      const form = new FormData();
      form.set("organizationId", args.organizationId);
      form.set("key", args.key);
      form.set("objectData", new Blob([new Uint8Array(bytes)], { type: "application/octet-stream" }), args.key.split("/").pop() || "object");
      const answer = await ctx.client.postForm("/object/set", form, { idempotent: true });
      return { data: { ...answer, key: args.key, bytes: bytes.length } };
    },
  }),
  defineTool({
    name: "read_object_properties",
    toolset: "object-store",
    title: "Read object properties",
    description: "Size, dates, MIME type, MD5 and a preview of an Object Store object.",
    input: ReadObjectPropertiesSchema,
    kind: "read",
    endpoint: "/object/properties",
  }),
  defineTool({
    name: "read_object_store_file_job_id",
    toolset: "object-store",
    title: "Package objects",
    description: "Start packaging objects for download; pass the jobId to read_object_store_file_download_url.",
    input: ReadObjectStoreFileJobIdSchema,
    kind: "create",
    endpoint: "/object/get",
  }),
  defineTool({
    name: "read_object_store_file_download_url",
    toolset: "object-store",
    title: "Object download URL",
    description: "The download URL of a packaging job, once it is ready.",
    input: ReadObjectStoreFileDownloadUrlSchema,
    kind: "read",
    endpoint: "/object/get",
  }),
  defineTool({
    name: "list_object_store_files",
    toolset: "object-store",
    title: "List objects",
    description: "Objects and folders under a path of the Object Store.",
    input: ListObjectStoreFilesSchema,
    kind: "read",
    endpoint: "/object/list",
  }),
  defineTool({
    name: "delete_object",
    toolset: "object-store",
    title: "Delete object",
    description: "Delete an object from the Object Store.",
    input: DeleteObjectSchema,
    kind: "delete",
    endpoint: "/object/delete",
  }),
];
