/**
 * A small deterministic lexical embedder for tests that exercise indexing and search logic
 * without the cost of the neural model: feature-hashed bag of words, L2-normalised. Texts that
 * share words are close; the token count is the word count.
 */
import { createHash } from "node:crypto";
import type { Embedder } from "../../services/kb/embed/embedder.js";

export interface HashingEmbedderOptions {
  dimension?: number;
  maxInputTokens?: number;
  model?: string;
}

export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder & { calls: string[][] } {
  const dimension = options.dimension ?? 64;
  const calls: string[][] = [];
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return {
    model: options.model ?? `test-hashing-${dimension}`,
    dimension,
    maxInputTokens: options.maxInputTokens ?? 256,
    calls,
    countTokens: (text) => words(text).length,
    async embed(texts) {
      calls.push(texts);
      return texts.map((text) => {
        const vector = new Float32Array(dimension);
        for (const word of words(text)) {
          const digest = createHash("md5").update(word).digest();
          vector[digest.readUInt32LE(0) % dimension]! += digest[4]! & 1 ? 1 : -1;
        }
        const norm = Math.hypot(...vector) || 1;
        return vector.map((v) => v / norm);
      });
    },
  };
}
