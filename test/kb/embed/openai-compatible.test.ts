import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { l2Normalize } from "../../../services/kb/embed/normalize.js";
import {
  createOpenAiCompatibleEmbedder,
  type OpenAiCompatibleEmbedderOptions,
} from "../../../services/kb/embed/openai-compatible.js";
import { BackendUnavailableError, EmbeddingInputTooLongError } from "../../../services/kb/errors.js";
import { NATIVE_DIMENSION, SERVER_KEY, bagOfWords, startEmbeddingsServer, type EmbeddingsServer } from "./embeddings-server.js";

let server: EmbeddingsServer;
beforeAll(async () => {
  server = await startEmbeddingsServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const TEXTS = Array.from({ length: 10 }, (_, i) => `chunk ${i} about ${["atr", "rsi", "macd", "stops"][i % 4]} sizing rule ${i * 7}`);

function embedderFor(options: Partial<OpenAiCompatibleEmbedderOptions> = {}) {
  return createOpenAiCompatibleEmbedder({
    baseUrl: server.baseUrl,
    model: "text-embedding-test",
    apiKey: SERVER_KEY,
    dimension: 16,
    retryBaseMs: 5,
    ...options,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the call to fail");
  return outcome;
}

describe("createOpenAiCompatibleEmbedder", () => {
  it("returns normalised vectors in input order although the server shuffles them", async () => {
    const vectors = await embedderFor().embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    TEXTS.forEach((text, i) => {
      expect(Array.from(vectors[i]!)).toEqual(Array.from(l2Normalize(bagOfWords(text, 16))));
    });
    expect(server.protocolErrors).toEqual([]);
    expect(server.requests[0]!.body).toMatchObject({ model: "text-embedding-test", encoding_format: "float", dimensions: 16 });
  });

  it("splits input into ceil(n / batchSize) requests, in order", async () => {
    await embedderFor({ batchSize: 4 }).embed(TEXTS);
    expect(server.requests.map((r) => r.body.input.length)).toEqual([4, 4, 2]);
    expect(server.requests.flatMap((r) => r.body.input)).toEqual(TEXTS);
  });

  it("returns [] for no texts without a request", async () => {
    expect(await embedderFor().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    server.failNext({ kind: "status", status: 429, retryAfter: "1" });
    const vectors = await embedderFor().embed(["atr stop"]);
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("caps a long Retry-After at maxRetryDelayMs", async () => {
    server.failNext({ kind: "status", status: 429, retryAfter: "120" });
    await embedderFor({ maxRetryDelayMs: 50 }).embed(["atr stop"]);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeLessThan(1000);
  });

  it("retries 503 twice, then succeeds", async () => {
    server.failNext({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const [vector] = await embedderFor().embed(["rsi divergence"]);
    expect(Array.from(vector!)).toEqual(Array.from(l2Normalize(bagOfWords("rsi divergence", 16))));
    expect(server.requests).toHaveLength(3);
  });

  it("gives up on a persistent 500 after maxAttempts with BackendUnavailableError", async () => {
    server.failNext(...Array.from({ length: 5 }, () => ({ kind: "status" as const, status: 500 })));
    const error = await failureOf(embedderFor({ maxAttempts: 3 }).embed(["macd"]));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/failed after 3 attempts: 500 scripted 500/);
    expect(server.requests).toHaveLength(3);
  });

  it("fails at once on a refused key, quoting the server but never the key", async () => {
    const wrongKey = "sk-wrong-0123456789abcdef";
    const error = await failureOf(embedderFor({ apiKey: wrongKey }).embed(["atr"]));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain("refused the API key");
    expect(error.message).toContain("EMBEDDINGS_API_KEY");
    expect(error.message).toContain("Incorrect API key provided: [redacted]");
    expect(error.message).not.toContain(wrongKey);
    expect(server.requests).toHaveLength(0); // the server refused before recording; no retry either
  });

  it("says a key is needed when none was sent", async () => {
    const error = await failureOf(embedderFor({ apiKey: undefined }).embed(["atr"]));
    expect(error.message).toMatch(/requires an API key; set EMBEDDINGS_API_KEY \(401: /);
  });

  it("does not retry other 4xx answers and quotes them", async () => {
    server.failNext({ kind: "status", status: 400 });
    const error = await failureOf(embedderFor().embed(["atr"]));
    expect(error.message).toContain("rejected the request (400: scripted 400)");
    expect(server.requests).toHaveLength(1);
  });

  it("names what is wrong in a malformed response", async () => {
    server.failNext({ kind: "missing-data" });
    const missing = await failureOf(embedderFor().embed(["atr"]));
    expect(missing).toBeInstanceOf(BackendUnavailableError);
    expect(missing.message).toMatch(/malformed response.*data/);

    server.failNext({ kind: "extra-dimension" });
    const wrongSize = await failureOf(embedderFor().embed(["atr"]));
    expect(wrongSize.message).toContain("has 17 dimensions, the configured dimension 16");

    server.failNext({ kind: "not-json" });
    const html = await failureOf(embedderFor().embed(["atr"]));
    expect(html.message).toContain("the body is not JSON: <html>");
  });

  it("refuses a zero vector from the server as a malformed response, without retrying", async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return Response.json({ data: [{ index: 0, embedding: [0, 0, 0, 0] }] });
    };
    const error = await failureOf(embedderFor({ dimension: 4, fetch }).embed(["atr"]));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/malformed response for model text-embedding-test: cannot normalise embedding 0: its norm is 0/);
    expect(calls).toBe(1);
  });

  it("times out on a server that never answers, once per attempt", async () => {
    server.failNext({ kind: "hang" }, { kind: "hang" });
    const started = Date.now();
    const error = await failureOf(embedderFor({ timeoutMs: 200, maxAttempts: 2 }).embed(["atr"]));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain("no complete answer within 200 ms");
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("reports an unreachable endpoint without the key", async () => {
    const error = await failureOf(
      embedderFor({ baseUrl: "http://127.0.0.1:1/v1", maxAttempts: 2 }).embed(["atr"]),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/127\.0\.0\.1:1\/v1\/embeddings failed after 2 attempts: fetch failed/);
    expect(error.message).not.toContain(SERVER_KEY);
  });

  it("learns the dimension with one probe when it is not configured", async () => {
    const embedder = embedderFor({ dimension: undefined });
    expect(() => embedder.dimension).toThrow(/ready\(\)/);
    await Promise.all([embedder.ready(), embedder.ready()]);
    expect(embedder.dimension).toBe(NATIVE_DIMENSION);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.input).toEqual(["dimension probe"]);
    expect(server.requests[0]!.body).not.toHaveProperty("dimensions");
    const [vector] = await embedder.embed(["atr"]);
    expect(vector).toHaveLength(NATIVE_DIMENSION);
  });

  it("needs no probe when the dimension is configured", async () => {
    const embedder = embedderFor({ dimension: 16 });
    await embedder.ready();
    expect(embedder.dimension).toBe(16);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses text over the window before sending anything", async () => {
    const embedder = embedderFor({ maxInputTokens: 10 });
    expect(embedder.countTokens("é".repeat(15))).toBe(10); // 30 UTF-8 bytes / 3
    const error = await failureOf(embedder.embed(["short", "x".repeat(31)]));
    expect(error).toBeInstanceOf(EmbeddingInputTooLongError);
    expect(error).toMatchObject({ code: "INPUT_TOO_LONG", index: 1, tokens: 11, maxInputTokens: 10 });
    expect(server.requests).toHaveLength(0);
  });
});
