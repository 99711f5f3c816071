/**
 * Worker-thread entry for the embedder pool (`worker-pool.ts`): each thread owns one USE-lite
 * model and embeds the batches the pool posts, one at a time, replying with vectors whose
 * buffers are transferred rather than copied. Run from source it is loaded through tsx by a
 * small bootstrap in the pool; in a compiled build it is the plain `.js` next to the pool.
 */
import { parentPort, workerData } from "node:worker_threads";
import { QuantMindError } from "../../shared/errors.js";
import { createUseLiteEmbedder } from "./use-lite.js";

/** What the pool passes as `workerData`. */
export interface UseLiteWorkerData {
  maxInputTokens: number;
  /** Texts per model call; the pool sets it to its own batch size, so one batch is one call. */
  batchSize: number;
}

/** Pool -> worker: embed these texts. A worker holds at most one request at a time. */
export interface EmbedRequest {
  texts: string[];
}

/** Worker -> pool: the vectors in request order, or why there are none. */
export type EmbedReply = { vectors: Float32Array[] } | { error: { message: string; code?: string } };

const port = parentPort;
if (port) {
  const embedder = createUseLiteEmbedder(workerData as UseLiteWorkerData);
  port.on("message", (request: EmbedRequest) => {
    embedder.embed(request.texts).then(
      (vectors) => {
        // l2Normalize gives each vector its own buffer; the Set only guards against a future
        // change that shares one, since transferring a buffer twice throws.
        const buffers = new Set(vectors.map((vector) => vector.buffer as ArrayBuffer));
        port.postMessage({ vectors } satisfies EmbedReply, [...buffers]);
      },
      (error: unknown) => {
        // Errors lose their class crossing threads; keep what the pool reports: message and code.
        const reply: EmbedReply = {
          error: {
            message: error instanceof Error ? error.message : String(error),
            ...(error instanceof QuantMindError && { code: error.code }),
          },
        };
        port.postMessage(reply);
      },
    );
  });
}
