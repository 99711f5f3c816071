/** Runtime schema of ChunkPayload, for data read back from disk or from Qdrant. */
import { z } from "zod";
import type { ChunkPayload } from "./vector-store.js";

/** Parses a stored chunk payload; unknown keys are dropped so the result is exactly a ChunkPayload. */
export const ChunkPayloadSchema = z.object({
  path: z.string().min(1),
  chunkIndex: z.number().int().min(0),
  chunkCount: z.number().int().min(1),
  title: z.string(),
  url: z.string(),
  categories: z.array(z.string()),
  relevanceScore: z.number(),
  text: z.string(),
  contentHash: z.string(),
  scrapedAt: z.string().optional(),
}) satisfies z.ZodType<ChunkPayload>;

/** A defensive copy, so callers mutating a search hit cannot change what the store holds. */
export function copyPayload(payload: ChunkPayload): ChunkPayload {
  return { ...payload, categories: [...payload.categories] };
}
