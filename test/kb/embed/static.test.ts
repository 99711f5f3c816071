import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../services/shared/errors.js";
import { createEmbedder } from "../../../services/kb/embed/create-embedder.js";
import { BUNDLED_STATIC_TABLE, createStaticEmbedder, loadUseLiteVocabulary } from "../../../services/kb/embed/static.js";
import { decodeStaticTable, encodeStaticTable, vocabularyHash } from "../../../services/kb/embed/static-table.js";
import { EmbeddingMismatchError, StoreCorruptError } from "../../../services/kb/errors.js";
import { USE_LITE_DIMENSION, USE_LITE_MODEL } from "../../../services/kb/embed/use-lite.js";
import { openEmbeddedStore } from "../../../services/kb/stores/embedded-store.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

type TempDir = Awaited<ReturnType<typeof makeTempDir>>;

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("static embedder", () => {
  let temp: TempDir;
  beforeEach(async () => (temp = await makeTempDir("qm-static-")));
  afterEach(() => temp.remove());

  it("ships a table within 10 MB, built for the installed vocabulary", async () => {
    const data = await readFile(BUNDLED_STATIC_TABLE);
    expect(data.byteLength).toBeLessThanOrEqual(10 * 1024 * 1024);
    const { header } = decodeStaticTable(data, BUNDLED_STATIC_TABLE);
    expect(header.vocabSha256).toBe(vocabularyHash(loadUseLiteVocabulary()));
    expect(header.dimension).toBe(256);
  });

  it("embeds to unit vectors in order, deterministically, with a model id naming the table", async () => {
    const embedder = await createEmbedder({ provider: "static" });
    expect(embedder.model).toMatch(/^static-use-lite-256d@[0-9a-f]{12}$/);
    expect(embedder.dimension).toBe(256);
    const [a, b, a2] = await embedder.embed(["trailing stop loss", "CopyBuffer", "trailing stop loss"]);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    expect(a2).toEqual(a);
    expect(dot(a!, b!)).toBeLessThan(0.99);
    expect(embedder.countTokens("OrderSend")).toBeGreaterThan(0);
  });

  it("ranks related texts closer than unrelated ones", async () => {
    const embedder = createStaticEmbedder();
    const [query, near, far] = await embedder.embed([
      "position size from the average true range",
      "Size each position so that a stop of two ATR risks one percent of equity.",
      "The genetic optimizer breeds parameter sets in the strategy tester.",
    ]);
    expect(dot(query!, near!)).toBeGreaterThan(dot(query!, far!));
  });

  it("refuses text over its window and text with nothing to embed", async () => {
    const embedder = createStaticEmbedder({ maxInputTokens: 5 });
    await expect(embedder.embed(["a b c d e f g h"])).rejects.toMatchObject({ code: "INPUT_TOO_LONG", index: 0 });
    await expect(embedder.embed([""])).rejects.toThrow(/no known tokens/);
  });

  it("a missing table is a ConfigError naming the file and the build script", () => {
    const missing = path.join(temp.dir, "nope.bin");
    expect(() => createStaticEmbedder({ tablePath: missing })).toThrow(ConfigError);
    expect(() => createStaticEmbedder({ tablePath: missing })).toThrow(/nope\.bin[\s\S]*build-static-embedder/);
  });

  it("a damaged or truncated table is a StoreCorruptError, a table for another vocabulary a ConfigError", async () => {
    const good = await readFile(BUNDLED_STATIC_TABLE);
    const truncated = path.join(temp.dir, "truncated.bin");
    await writeFile(truncated, good.subarray(0, good.byteLength - 10));
    expect(() => createStaticEmbedder({ tablePath: truncated })).toThrow(StoreCorruptError);
    const garbage = path.join(temp.dir, "garbage.bin");
    await writeFile(garbage, "not a table at all");
    expect(() => createStaticEmbedder({ tablePath: garbage })).toThrow(/not a QMSTATIC file/);
    const foreign = path.join(temp.dir, "foreign.bin");
    const header = { version: 1 as const, source: "x", vocabSize: 2, dimension: 2, vocabSha256: "0".repeat(64), method: "test" };
    await writeFile(foreign, encodeStaticTable(header, new Float32Array([1, 0, 0, 1])));
    expect(() => createStaticEmbedder({ tablePath: foreign })).toThrow(/another vocabulary/);
  });

  it("a collection indexed with it refuses USE lite (and the reverse), naming both models", async () => {
    const embedder = createStaticEmbedder();
    const store = await openEmbeddedStore({ dir: temp.dir, collection: "kb" });
    await store.ensureCollection({ model: embedder.model, dimension: embedder.dimension });
    const refused = store.ensureCollection({ model: USE_LITE_MODEL, dimension: USE_LITE_DIMENSION });
    await expect(refused).rejects.toBeInstanceOf(EmbeddingMismatchError);
    await expect(refused).rejects.toThrow(new RegExp(`${embedder.model}[\\s\\S]*${USE_LITE_MODEL.replace(/\./g, "\\.")}`));
    await store.close();
  });

  it("round-trips a table through int8 quantisation within one step per row", () => {
    const header = { version: 1 as const, source: "x", vocabSize: 3, dimension: 4, vocabSha256: "a".repeat(64), method: "t" };
    const vectors = new Float32Array([0.5, -0.25, 0.1, 0, 0, 0, 0, 0, 3, 2, -1, 0.01]);
    const { vectors: back } = decodeStaticTable(encodeStaticTable(header, vectors), "t");
    for (let row = 0; row < 3; row++) {
      const max = Math.max(...vectors.subarray(row * 4, row * 4 + 4).map(Math.abs));
      for (let i = 0; i < 4; i++) expect(Math.abs(back[row * 4 + i]! - vectors[row * 4 + i]!)).toBeLessThanOrEqual(max / 254 + 1e-7);
    }
  });
});
