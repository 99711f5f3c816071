/**
 * Embedder for any OpenAI-compatible `POST /embeddings` endpoint (OpenAI, Azure-style
 * gateways, vLLM, Ollama, LiteLLM, TEI...). Batches, retries transient failures, validates
 * every response, and never lets the API key into an error message.
 */
import { z } from "zod";
import { parseRetryAfter } from "../../shared/http/retry-after.js";
import { retry } from "../../shared/retry.js";
import { BackendUnavailableError, EmbeddingInputTooLongError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import { l2Normalize } from "./normalize.js";

/** Options for {@link createOpenAiCompatibleEmbedder}. */
export interface OpenAiCompatibleEmbedderOptions {
  /** API root including the version, e.g. `https://api.openai.com/v1`; `/embeddings` is appended. */
  baseUrl: string;
  /** Model name sent to the endpoint and recorded with the collection. */
  model: string;
  /** Sent as `Authorization: Bearer`; default none (local servers often need no key). */
  apiKey?: string;
  /** Vector size; also sent as `dimensions`. Default: learned by `ready()` with a probe request. */
  dimension?: number;
  /** Window in estimated tokens (see `countTokens`); default 512. */
  maxInputTokens?: number;
  /** Texts per request; default 64. */
  batchSize?: number;
  /** Per-attempt timeout in ms, covering the whole response; default 30,000. */
  timeoutMs?: number;
  /** Attempts per request, first included, for network errors, timeouts, 429 and 5xx; default 4. */
  maxAttempts?: number;
  /** First backoff delay in ms, doubled per retry, with jitter; default 500. */
  retryBaseMs?: number;
  /** Cap on any single wait, `Retry-After` included; default 20,000. */
  maxRetryDelayMs?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
}

/**
 * An Embedder whose `dimension` may only be known after {@link OpenAiCompatibleEmbedder.ready}:
 * reading it earlier throws. `embed()` works at any time and learns the dimension as it goes.
 */
export interface OpenAiCompatibleEmbedder extends Embedder {
  /** Resolves once `dimension` is known: at once when configured, else after one probe request. */
  ready(): Promise<void>;
}

const EmbeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()).min(1) })),
});

/**
 * Creates the HTTP embedder. The factory does no I/O; call `await embedder.ready()` before
 * reading `dimension` (the indexer needs it to create the collection). Over-window text
 * throws {@link EmbeddingInputTooLongError}; every endpoint failure is a
 * {@link BackendUnavailableError} whose message quotes the server but never the key.
 */
export function createOpenAiCompatibleEmbedder(options: OpenAiCompatibleEmbedderOptions): OpenAiCompatibleEmbedder {
  const {
    model,
    apiKey,
    maxInputTokens = 512,
    batchSize = 64,
    timeoutMs = 30_000,
    maxAttempts = 4,
    retryBaseMs = 500,
    maxRetryDelayMs = 20_000,
    fetch = globalThis.fetch,
  } = options;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`;
  // Userinfo and query strings can carry credentials, so messages name only origin and path.
  const shownUrl = (() => {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  })();
  let dimension = options.dimension;
  let probing: Promise<void> | undefined;

  /** Removes the key from text a server sent back; some servers echo the credential they refused. */
  const redact = (text: string): string => (apiKey ? text.split(apiKey).join("[redacted]") : text);

  // A conservative estimate, not a tokenizer: BPE vocabularies average ~4 UTF-8 bytes per
  // token on English prose, so bytes / 3 over-counts prose by about a third. Dense digits or
  // symbols can take more tokens than this, which is why the default window (512) sits far
  // below the 8,191 tokens of OpenAI's models.
  const countTokens = (text: string): number => Math.ceil(Buffer.byteLength(text, "utf8") / 3);

  async function post(input: string[]): Promise<unknown> {
    const dimensions = options.dimension !== undefined ? { dimensions: options.dimension } : {};
    const body = JSON.stringify({ model, input, encoding_format: "float", ...dimensions });
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;

    /** One request: the parsed body, a BackendUnavailableError to give up, or a TransientFailure to try again. */
    async function attempt(): Promise<unknown> {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
        text = await response.text();
      } catch (error) {
        throw new TransientFailure(redact(describeFetchError(error, timeoutMs)));
      }
      if (response.ok) return parseJson(text);
      const message = redact(serverMessage(text));
      if (response.status !== 429 && response.status < 500) throw clientError(response.status, message);
      throw new TransientFailure(`${response.status} ${message}`, parseRetryAfter(response.headers.get("retry-after")));
    }

    let attempts = 0;
    try {
      return await retry(
        () => {
          attempts++;
          return attempt();
        },
        {
          maxAttempts,
          baseDelayMs: retryBaseMs,
          maxDelayMs: maxRetryDelayMs,
          shouldRetry: (error) => error instanceof TransientFailure,
          delayOverride: (error) => (error instanceof TransientFailure ? error.retryAfterMs : undefined),
        },
      );
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      throw new BackendUnavailableError(`embeddings endpoint ${shownUrl} failed after ${attempts} attempts: ${error.message}`);
    }
  }

  function parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw malformed(`the body is not JSON: ${redact(text.slice(0, 200))}`);
    }
  }

  function clientError(status: number, message: string): BackendUnavailableError {
    if (status === 401 || status === 403) {
      const hint = apiKey ? "refused the API key; check EMBEDDINGS_API_KEY" : "requires an API key; set EMBEDDINGS_API_KEY";
      return new BackendUnavailableError(`embeddings endpoint ${shownUrl} ${hint} (${status}: ${message})`);
    }
    return new BackendUnavailableError(`embeddings endpoint ${shownUrl} rejected the request (${status}: ${message})`);
  }

  function malformed(what: string): BackendUnavailableError {
    return new BackendUnavailableError(`embeddings endpoint ${shownUrl} returned a malformed response for model ${model}: ${what}`);
  }

  /** Validates one response and returns its vectors in input order, normalised. */
  function readVectors(json: unknown, count: number): Float32Array[] {
    const parsed = EmbeddingsResponseSchema.safeParse(json);
    if (!parsed.success) throw malformed(z.prettifyError(parsed.error).replace(/\n/g, "; "));
    const { data } = parsed.data;
    if (data.length !== count) throw malformed(`expected ${count} embeddings in data, got ${data.length}`);
    const vectors = new Array<Float32Array>(count);
    for (const { index, embedding } of data) {
      if (index >= count || vectors[index]) throw malformed(`data has a duplicate or out-of-range index ${index}`);
      const expected = dimension ?? embedding.length;
      if (embedding.length !== expected) {
        const source = options.dimension ? "the configured dimension" : "earlier vectors";
        throw malformed(`embedding ${index} has ${embedding.length} dimensions, ${source} ${expected}`);
      }
      try {
        vectors[index] = l2Normalize(embedding, `embedding ${index}`);
      } catch (error) {
        throw malformed((error as Error).message);
      }
    }
    dimension ??= vectors[0]!.length;
    return vectors;
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    texts.forEach((text, index) => {
      const tokens = countTokens(text);
      if (tokens > maxInputTokens) throw new EmbeddingInputTooLongError(tokens, maxInputTokens, index, model);
    });
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      vectors.push(...readVectors(await post(batch), batch.length));
    }
    return vectors;
  }

  function ready(): Promise<void> {
    if (dimension !== undefined) return Promise.resolve();
    probing ??= embed(["dimension probe"]).then(
      () => undefined,
      (error: unknown) => {
        probing = undefined;
        throw error;
      },
    );
    return probing;
  }

  return {
    model,
    maxInputTokens,
    get dimension(): number {
      if (dimension === undefined) {
        throw new Error(`the dimension of ${model} is not known yet: await embedder.ready() first, or configure it`);
      }
      return dimension;
    },
    countTokens,
    embed,
    ready,
  };
}

/** A failure another try may fix: network trouble, a timeout, 429 or 5xx. Never leaves `post`. */
class TransientFailure extends Error {
  constructor(
    /** What went wrong, already redacted. */
    message: string,
    /** The wait the server asked for with `Retry-After`, if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The server's own words: OpenAI's `{ error: { message } }`, a bare `{ error }` string, or the text. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const error = body.error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
      return (error as { message: string }).message;
    }
    if (typeof body.message === "string") return body.message;
  } catch {
    // Not JSON: a proxy's HTML or plain text page; quote it as it is.
  }
  return text.trim().slice(0, 300) || "(empty body)";
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no complete answer within ${timeoutMs} ms`;
  }
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND...) in cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
