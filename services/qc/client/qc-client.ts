/**
 * The QuantConnect REST API v2 client: every call a POST (JSON, or multipart for uploads) with
 * time-stamped auth headers; a time limit per request and a budget per call that fit inside API
 * Gateway's 29 s; backoff on 429, and on 5xx or network trouble for calls that are safe to send
 * twice. A `success: false` answer becomes a QcApiError carrying QuantConnect's `errors`.
 * Nothing is delayed before the first try.
 */
import type { Logger } from "pino";
import { parseRetryAfter } from "../../shared/http/retry-after.js";
import { retry } from "../../shared/retry.js";
import { QcApiError, QcAuthError, QcBadResponseError, QcRateLimitedError, QcTimeoutError, QcUnavailableError } from "../errors.js";
import { qcAuthHeaders } from "./auth.js";
import type { CredentialsSource } from "./credentials.js";

export type QcBody = Record<string, unknown>;

export interface QcCallOptions {
  /**
   * Safe to send again after a 5xx, a timeout or a network error (reads, updates, deletes).
   * Creates are not: a 5xx may come after QuantConnect acted, and a second backtest or live order
   * is worse than an error. 429 is retried for every call (the request was refused, not run).
   */
  idempotent: boolean;
}

export interface QcClient {
  /** POSTs `body` as JSON; resolves to the answer when QuantConnect says it succeeded. */
  post(endpoint: string, body: QcBody, options: QcCallOptions): Promise<QcBody>;
  /** POSTs a multipart form (the object store upload). */
  postForm(endpoint: string, form: FormData, options: QcCallOptions): Promise<QcBody>;
  /** POSTs JSON without following a redirect: the `Location` when QuantConnect redirects, else the answer. */
  postForRedirect(endpoint: string, body: QcBody, options: QcCallOptions): Promise<{ location: string } | { body: QcBody }>;
}

export interface QcClientOptions {
  /** API root without a trailing slash, e.g. https://www.quantconnect.com/api/v2. */
  baseUrl: string;
  credentials: CredentialsSource;
  /** Time limit of one request. */
  timeoutMs: number;
  /** Time budget of one call, retries and waits included. */
  deadlineMs: number;
  /** Tries per call, the first included. */
  maxAttempts: number;
  /** Backoff before the second try (doubles after, with jitter); default 200 ms. */
  baseDelayMs?: number;
  logger?: Logger;
  /** Injected in tests. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Below this much time left, another try cannot finish: give up instead. */
const MIN_ATTEMPT_MS = 100;
/** Longest wait between tries, whatever Retry-After asks. */
const MAX_WAIT_MS = 5000;

/** One try failed in a way another try might not. */
class TransientFailure extends Error {
  constructor(
    readonly kind: "rate-limited" | "server" | "network" | "timeout" | "auth",
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type Payload = { body: string; contentType: string } | { body: FormData };

/** An answer read in full within its try's time limit. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export function createQcClient(options: QcClientOptions): QcClient {
  // Read per call, not at start-up: touching the global fetch loads Node's HTTP client (undici),
  // which a Lambda's init phase should not pay before its first request needs it.
  const fetchImpl: typeof fetch = (input, init) => (options.fetch ?? fetch)(input, init);
  const now = options.now ?? Date.now;

  /** One POST, body read included, aborted after `timeoutMs`; the timer is cleared as soon as it is done. */
  async function attemptOnce(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
    // Not AbortSignal.timeout: its timer outlives the call and builds a DOMException when it fires.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetchImpl(url, { ...init, signal: controller.signal });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      throw controller.signal.aborted
        ? new TransientFailure("timeout", `no answer within ${timeoutMs} ms`)
        : new TransientFailure("network", describeNetworkError(error), undefined, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(endpoint: string, payload: Payload, call: QcCallOptions, redirect: RequestRedirect): Promise<Answer> {
    const started = now();
    const deadline = started + options.deadlineMs;
    let authRetried = false;
    let attempts = 0;
    try {
      return await retry(
        async (attempt) => {
          attempts = attempt;
          const remaining = deadline - now();
          if (remaining < MIN_ATTEMPT_MS) throw new QcTimeoutError(endpoint, now() - started, attempt - 1);
          const timeoutMs = Math.min(options.timeoutMs, remaining);
          const credentials = await options.credentials.get();
          const headers: Record<string, string> = {
            ...qcAuthHeaders(credentials, now() / 1000),
            Accept: "application/json",
            ...("contentType" in payload && { "Content-Type": payload.contentType }),
          };
          const attemptStarted = now();
          const response = await attemptOnce(`${options.baseUrl}${endpoint}`, { method: "POST", headers, body: payload.body, redirect }, timeoutMs);
          options.logger?.debug({ endpoint, status: response.status, attempt, ms: now() - attemptStarted }, "QuantConnect call");
          if (response.status === 429) {
            throw new TransientFailure("rate-limited", "HTTP 429", parseRetryAfter(response.headers.get("retry-after"), now()));
          }
          if (response.status >= 500) {
            throw new TransientFailure("server", `HTTP ${response.status}`);
          }
          if (response.status === 401 || response.status === 403) {
            // Credentials from a secret may have been rotated: one more try with a fresh read.
            if (!authRetried && options.credentials.invalidate()) {
              authRetried = true;
              throw new TransientFailure("auth", `HTTP ${response.status}`, 0);
            }
            throw new QcAuthError(endpoint, response.status);
          }
          return response;
        },
        {
          // One try more than configured, spent only on a fresh read of rotated credentials.
          maxAttempts: options.maxAttempts + 1,
          baseDelayMs: options.baseDelayMs ?? 200,
          maxDelayMs: MAX_WAIT_MS,
          sleep: options.sleep,
          shouldRetry: (error) => {
            if (!(error instanceof TransientFailure)) return false;
            if (deadline - now() < MIN_ATTEMPT_MS * 2) return false;
            if (error.kind === "auth") return true;
            if (attempts - (authRetried ? 1 : 0) >= options.maxAttempts) return false;
            return error.kind === "rate-limited" || call.idempotent;
          },
          delayOverride: (error) => {
            if (!(error instanceof TransientFailure) || error.retryAfterMs === undefined) return undefined;
            // Never wait past the budget: leave time for the try itself.
            return Math.max(0, Math.min(error.retryAfterMs, deadline - now() - MIN_ATTEMPT_MS * 2));
          },
        },
      );
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      options.logger?.warn({ endpoint, attempts, kind: error.kind, reason: error.message }, "QuantConnect call failed");
      switch (error.kind) {
        case "rate-limited":
          throw new QcRateLimitedError(endpoint, attempts);
        case "timeout":
          throw new QcTimeoutError(endpoint, now() - started, attempts);
        case "auth":
          throw new QcAuthError(endpoint, 401);
        default:
          throw new QcUnavailableError(
            endpoint,
            `${error.message} after ${attempts} attempt(s)${call.idempotent ? "" : " (not repeated: the call may have taken effect, check before sending it again)"}`,
            { cause: error },
          );
      }
    }
  }

  const jsonPayload = (body: QcBody): Payload => ({ body: JSON.stringify(body), contentType: "application/json" });

  return {
    async post(endpoint, body, call) {
      return readAnswer(endpoint, await send(endpoint, jsonPayload(body), call, "follow"));
    },
    async postForm(endpoint, form, call) {
      return readAnswer(endpoint, await send(endpoint, { body: form }, call, "follow"));
    },
    async postForRedirect(endpoint, body, call) {
      const answer = await send(endpoint, jsonPayload(body), call, "manual");
      const location = answer.headers.get("location");
      if (answer.status >= 300 && answer.status < 400 && location) return { location };
      return { body: readAnswer(endpoint, answer) };
    },
  };
}

/** Parses an answer and applies QuantConnect's `success` flag. */
function readAnswer(endpoint: string, response: Answer): QcBody {
  const text = response.text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type") ?? "no content type";
    throw new QcBadResponseError(endpoint, `a body that is not JSON (HTTP ${response.status}, ${type}, ${text.length} bytes)`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new QcBadResponseError(endpoint, `JSON that is not an object (HTTP ${response.status})`);
  }
  const body = parsed as QcBody;
  if (body.success === false) throw new QcApiError(endpoint, errorTexts(body.errors));
  if (response.status < 200 || response.status > 299) {
    if ("errors" in body) throw new QcApiError(endpoint, errorTexts(body.errors));
    throw new QcBadResponseError(endpoint, `HTTP ${response.status}`);
  }
  return body;
}

function errorTexts(errors: unknown): string[] {
  if (typeof errors === "string") return [errors];
  if (Array.isArray(errors)) return errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
  return [];
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `network error ${cause.code}`;
  return `network error (${cause?.message ?? (error as Error)?.message ?? String(error)})`;
}
