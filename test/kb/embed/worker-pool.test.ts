import { execFile } from "node:child_process";
import { once } from "node:events";
import { promisify } from "node:util";
import type { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { createUseLiteEmbedder } from "../../../services/kb/embed/use-lite.js";
import { createEmbedderPool, type EmbedderPoolOptions } from "../../../services/kb/embed/worker-pool.js";
import { BackendUnavailableError, EmbeddingInputTooLongError } from "../../../services/kb/errors.js";

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

const SENTENCES = [
  "Position size is the risk per trade divided by a multiple of the average true range.",
  "In MQL5 the OnTick handler runs on every new quote.",
  "A walk-forward test re-optimises on a rolling window and trades the next slice out of sample.",
  "Slippage grows with order size relative to the depth of the book.",
];
/** Texts from empty to ~100 tokens, deliberately not in length order. */
const MIXED = Array.from({ length: 24 }, (_, i) =>
  Array.from({ length: (i * 7) % 6 }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(" "),
);

/** A pool whose spawned threads the test can see; closed after the file. */
function pool(options: Partial<EmbedderPoolOptions> = {}): { embedder: ReturnType<typeof createEmbedderPool>; spawned: Worker[] } {
  const spawned: Worker[] = [];
  const embedder = createEmbedderPool({ workers: 2, batchSize: 4, onWorkerSpawn: (w) => spawned.push(w), ...options });
  pools.push(embedder);
  return { embedder, spawned };
}
const pools: Array<{ close(): Promise<void> }> = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

const reference = createUseLiteEmbedder();
afterAll(() => reference.close());

describe("createEmbedderPool", () => {
  it("embeds like the in-process model, in the caller's order, with the same identity", async () => {
    const { embedder, spawned } = pool();
    const [pooled, local] = await Promise.all([embedder.embed(MIXED), reference.embed(MIXED)]);
    expect(spawned).toHaveLength(2);
    expect(pooled).toHaveLength(MIXED.length);
    pooled.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(cosine(vector, local[i]!)).toBeGreaterThan(0.9999);
    });
    expect([embedder.model, embedder.dimension, embedder.maxInputTokens]).toEqual([
      reference.model,
      reference.dimension,
      reference.maxInputTokens,
    ]);
    expect(MIXED.map((t) => embedder.countTokens(t))).toEqual(MIXED.map((t) => reference.countTokens(t)));
  });

  it("refuses over-window text before starting or sending anything", async () => {
    const { embedder, spawned } = pool();
    const long = SENTENCES.join(" ").repeat(8);
    const error = await embedder.embed(["fine", long]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingInputTooLongError);
    expect((error as EmbeddingInputTooLongError).index).toBe(1);
    expect(await embedder.embed([])).toEqual([]);
    expect(spawned).toHaveLength(0);
  });

  it("rejects the call a worker dies in, and replaces the worker on the next call", async () => {
    const { embedder, spawned } = pool();
    const pending = embedder.embed(MIXED).catch((e: unknown) => e);
    // Batches are dispatched synchronously, so this thread is still loading with one in hand.
    await spawned[0]!.terminate();
    const error = await pending;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/embedding worker exited .* while embedding/);

    const vectors = await embedder.embed(SENTENCES);
    expect(spawned.length).toBeGreaterThan(2);
    const local = await reference.embed(SENTENCES);
    vectors.forEach((vector, i) => expect(cosine(vector, local[i]!)).toBeGreaterThan(0.9999));
  });

  it("close() stops every thread, fails calls in flight, is idempotent, and a later call restarts", async () => {
    const { embedder, spawned } = pool();
    await embedder.embed(SENTENCES);
    const exits = spawned.map((w) => once(w, "exit"));
    const inFlight = embedder.embed(MIXED).catch((e: unknown) => e);
    await embedder.close();
    await Promise.all(exits);
    await embedder.close();
    expect(await inFlight).toBeInstanceOf(BackendUnavailableError);

    const before = spawned.length;
    expect(await embedder.embed(["restarted"])).toHaveLength(1);
    expect(spawned.length).toBe(before + 1);
  });

  it("does not keep the process alive once idle, even unclosed", async () => {
    // As bin/quantmind.js runs: tsx registered in the main thread only.
    const script = [
      `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};`,
      "register();",
      `const { createEmbedderPool } = await import(${JSON.stringify(new URL("../../../services/kb/embed/worker-pool.ts", import.meta.url).href)});`,
      "const [vector] = await createEmbedderPool({ workers: 2 }).embed(['still running?']);",
      "console.log(vector.length);",
    ].join("\n");
    const run = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
    expect(run.stdout.trim()).toBe("512");
  });
});
