/**
 * USE-lite spread over worker threads. The model is single-threaded and compute-bound, so an
 * index run on N cores embeds up to N times faster with N threads, each with its own model.
 * Queries stay in-process (see create-embedder.ts): a pool only adds latency to one short text.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { ConfigError } from "../../shared/errors.js";
import { BackendUnavailableError, EmbeddingInputTooLongError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import type { EmbedReply, EmbedRequest, UseLiteWorkerData } from "./use-lite-worker.js";
import { createUseLiteEmbedder } from "./use-lite.js";

/** Options for {@link createEmbedderPool}. */
export interface EmbedderPoolOptions {
  /** Worker threads, each with its own model (about 1 s to start and load). An integer >= 1; no default. */
  workers: number;
  /**
   * Texts per batch handed to one worker. Default 16: small enough that the last batches of a
   * call spread over all workers, large enough that messaging costs nothing next to the model.
   */
  batchSize?: number;
  /** Largest text in model tokens; default 256, the same as `createUseLiteEmbedder`. */
  maxInputTokens?: number;
  /** Called with each thread as it is spawned; for diagnostics and tests (e.g. to kill one). */
  onWorkerSpawn?: (worker: Worker) => void;
}

/** An {@link Embedder} backed by worker threads; `close()` stops them all. */
export interface EmbedderPool extends Embedder {
  close(): Promise<void>;
}

interface Job {
  vectors: Float32Array[];
  remaining: number;
  settled: boolean;
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
}

interface Batch {
  job: Job;
  /** Positions in the caller's list, in the order the texts were sent. */
  indices: number[];
  texts: string[];
}

interface Slot {
  worker: Worker;
  /** The batch in flight; undefined while idle. */
  batch?: Batch;
  /** The uncaught error the thread died of, if any, reported with its exit. */
  crash?: Error;
}

/**
 * Creates the pool. Vectors, `model`, `dimension`, `maxInputTokens` and `countTokens` are
 * those of the in-process `createUseLiteEmbedder`, so a collection built by either serves both.
 *
 * - Token counts are checked in the calling thread: text over the window throws
 *   {@link EmbeddingInputTooLongError} before any worker is started or sent anything.
 * - Texts are sorted by length and cut into batches that idle workers pull from a queue,
 *   longest first, so a slow batch never holds up the others.
 * - Threads start on demand, up to `workers`, and load their models in parallel. Idle
 *   threads are unref'd, so an unclosed pool never keeps the process alive.
 * - A thread that crashes or exits mid-batch rejects that `embed` call with
 *   {@link BackendUnavailableError}; it is not retried, because a crash in the model is most
 *   likely to repeat on the same input and the index run is incremental anyway. The thread is
 *   replaced on the next batch, so the pool stays usable.
 * - `close()` rejects calls in flight, terminates every thread and is idempotent; a later
 *   `embed` starts fresh threads, as `UseLiteEmbedder` reloads its model after `close()`.
 */
export function createEmbedderPool(options: EmbedderPoolOptions): EmbedderPool {
  const { workers, onWorkerSpawn } = options;
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError(`embedder pool workers must be an integer >= 1, got ${workers}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError(`embedder pool batchSize must be an integer >= 1, got ${batchSize}`);
  }
  // Never embeds: it supplies the identity and the tokenizer, which needs no model.
  const local = createUseLiteEmbedder({ maxInputTokens: options.maxInputTokens });
  const workerData: UseLiteWorkerData = { maxInputTokens: local.maxInputTokens, batchSize };
  const slots = new Set<Slot>();
  const queue: Batch[] = [];

  function spawn(): Slot {
    const [filename, entryOptions] = workerEntry();
    const worker = new Worker(filename, { ...entryOptions, workerData });
    const slot: Slot = { worker };
    worker.on("message", (reply: EmbedReply) => settleBatch(slot, reply));
    worker.on("error", (error) => (slot.crash = error));
    worker.on("exit", (code) => {
      slots.delete(slot);
      const batch = slot.batch;
      slot.batch = undefined;
      if (batch) {
        const why = slot.crash ? `: ${slot.crash.message}` : "";
        const message =
          `an embedding worker exited (code ${code}) while embedding ${batch.texts.length} texts${why}; ` +
          "the pool starts a new one on the next call";
        fail(batch.job, new BackendUnavailableError(message, { cause: slot.crash }));
      }
      pump();
    });
    slots.add(slot);
    onWorkerSpawn?.(worker);
    return slot;
  }

  function pump(): void {
    while (queue.length > 0) {
      const slot = [...slots].find((candidate) => !candidate.batch) ?? (slots.size < workers ? spawn() : undefined);
      if (!slot) return;
      const batch = queue.shift()!;
      slot.batch = batch;
      slot.worker.ref();
      slot.worker.postMessage({ texts: batch.texts } satisfies EmbedRequest);
    }
  }

  function settleBatch(slot: Slot, reply: EmbedReply): void {
    const batch = slot.batch;
    if (!batch) return;
    slot.batch = undefined;
    slot.worker.unref();
    if ("error" in reply) {
      const code = reply.error.code ? ` (${reply.error.code})` : "";
      fail(batch.job, new BackendUnavailableError(`an embedding worker failed${code}: ${reply.error.message}`));
    } else if (!batch.job.settled) {
      batch.indices.forEach((index, k) => (batch.job.vectors[index] = reply.vectors[k]!));
      batch.job.remaining -= batch.indices.length;
      if (batch.job.remaining === 0) {
        batch.job.settled = true;
        batch.job.resolve(batch.job.vectors);
      }
    }
    pump();
  }

  function fail(job: Job, error: Error): void {
    if (job.settled) return;
    job.settled = true;
    // Its other queued batches would only be thrown away; batches already running finish unseen.
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.job === job) queue.splice(i, 1);
    job.reject(error);
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const lengths = texts.map((text, index) => {
      const tokens = local.countTokens(text);
      if (tokens > local.maxInputTokens) {
        throw new EmbeddingInputTooLongError(tokens, local.maxInputTokens, index, local.model);
      }
      return tokens;
    });
    // Longest first: similar lengths share a batch (no padding waste), and the short batches
    // come last, where they even out the finishing times of the workers.
    const order = texts.map((_, index) => index).sort((a, b) => lengths[b]! - lengths[a]!);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const job: Job = { vectors: new Array(texts.length), remaining: texts.length, settled: false, resolve, reject };
      for (let start = 0; start < order.length; start += batchSize) {
        const indices = order.slice(start, start + batchSize);
        queue.push({ job, indices, texts: indices.map((index) => texts[index]!) });
      }
      pump();
    });
  }

  async function close(): Promise<void> {
    const closing = [...slots];
    slots.clear();
    const error = new BackendUnavailableError("the embedder pool was closed while this embed call was running");
    for (const slot of closing) {
      if (slot.batch) fail(slot.batch.job, error);
      slot.batch = undefined;
    }
    for (const batch of queue.splice(0)) fail(batch.job, error);
    await Promise.all(closing.map((slot) => slot.worker.terminate()));
  }

  return {
    model: local.model,
    dimension: local.dimension,
    maxInputTokens: local.maxInputTokens,
    countTokens: local.countTokens,
    embed,
    close,
  };
}

/**
 * The worker's filename and Worker options. A compiled build runs `use-lite-worker.js` next to
 * this file as is. Run from source (tsx CLI, vitest) this file is `.ts`, and so is the worker.
 * Node 20 does not pass the main thread's module hooks to workers, and tsx's `--import` loader
 * declines to register inside a worker on Node 20, so a one-line bootstrap calls tsx's
 * `register()` API in the thread first and then imports the entry. tsx is resolved from this
 * file, not from the working directory.
 */
function workerEntry(): [string | URL, { eval?: true }] {
  if (!new URL(import.meta.url).pathname.endsWith(".ts")) return [new URL("./use-lite-worker.js", import.meta.url), {}];
  const tsxApi = JSON.stringify(tsxEsmApiUrl());
  const entry = JSON.stringify(new URL("./use-lite-worker.ts", import.meta.url).href);
  return [`import(${tsxApi}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true }];
}

/**
 * The URL of tsx's ESM `register()` API, read from tsx's export map. (`import.meta.resolve`
 * would be shorter, but vitest's module runner, where the test setup runs, does not support it.)
 */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("tsx/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(path.join(path.dirname(manifestPath), manifest.exports["./esm/api"]!.import.default)).href;
}
