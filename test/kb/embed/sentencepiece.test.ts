import { readFile } from "node:fs/promises";
import path from "node:path";
import { EmbeddingsModel } from "@energetic-ai/embeddings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listArticleFiles } from "../../../services/kb/articles.js";
import { BUNDLED_ARTICLES_DIR } from "../../../services/kb/config.js";
import { SentencePieceTokenizer } from "../../../services/kb/embed/sentencepiece.js";
import { loadUseLiteVocabulary } from "../../../services/kb/embed/static.js";

const vocabulary = loadUseLiteVocabulary();
// The package's own tokenizer is the reference; it is quadratic, so it only sees short texts.
const reference = new EmbeddingsModel({ vocabulary: vocabulary as Array<[string, number]>, model: undefined as never }).tokenizer;
const tokenizer = new SentencePieceTokenizer(vocabulary);

describe("SentencePieceTokenizer (the USE-lite tokenizer, linear time)", () => {
  it("gives the package's ids for every line of the sample corpus", async () => {
    let lines = 0;
    for (const file of await listArticleFiles(BUNDLED_ARTICLES_DIR)) {
      for (const line of (await readFile(path.join(BUNDLED_ARTICLES_DIR, file), "utf8")).split("\n")) {
        expect(tokenizer.encode(line), line).toEqual(reference.encode(line));
        expect(tokenizer.count(line)).toBe(reference.encode(line).length);
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });

  it("matches on awkward input: unknown symbols, surrogate pairs, NFKC forms, runs of spaces, empty", () => {
    for (const text of ["", " ", "  two  spaces ", "😀😀 emoji run", "𝔘nicode 𝔘", "ﬁ ligature", "a\u00a0b", "ORDER_FILLING_FOK 10030", "Ünïcödé"]) {
      expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(reference.encode(text));
    }
  });

  it("matches on random short strings", () => {
    const text = fc.string({ unit: fc.constantFrom(..."abcXYZ019 _.,é😀ﬁ\u00a0"), maxLength: 40 });
    fc.assert(fc.property(text, (t) => JSON.stringify(tokenizer.encode(t)) === JSON.stringify(reference.encode(t))), { numRuns: 300 });
  });

  it("is linear: a 200,000-character text tokenizes in well under a second", () => {
    const long = "OrderSend places the order and CopyBuffer reads indicator values. ".repeat(3000);
    const started = performance.now();
    expect(tokenizer.count(long)).toBeGreaterThan(30_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
