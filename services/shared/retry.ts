/**
 * Retry with exponential backoff and jitter, for calls to remote backends (Qdrant, embedding
 * endpoints). The caller decides what is worth another try; this module only decides when.
 */

/** How `retry` behaves. */
export interface RetryOptions {
  /** Total tries, the first included; 1 means no retry. */
  maxAttempts: number;
  /** Backoff before the second try; it doubles for each further try (before jitter). */
  baseDelayMs: number;
  /** Cap on any single wait, overrides included. Default: no cap. */
  maxDelayMs?: number;
  /** Whether `error` is worth another try (network trouble, timeouts, 5xx, 429...). */
  shouldRetry: (error: unknown) => boolean;
  /**
   * A wait the failure itself asks for (an HTTP `Retry-After`), used instead of the backoff
   * when it returns a number. Default: always the backoff.
   */
  delayOverride?: (error: unknown) => number | undefined;
  /** Waits `ms`; injected in tests. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` (given the 1-based attempt number) until it resolves, it throws an error that
 * `shouldRetry` refuses, or `maxAttempts` tries have failed; the last error is rethrown as is.
 *
 * The backoff before try n+1 is `baseDelayMs * 2^(n-1)`, drawn from [d/2, d] ("equal jitter"):
 * clients that failed together do not retry together, and none retries at once.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const maxDelayMs = options.maxDelayMs ?? Number.POSITIVE_INFINITY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.maxAttempts || !options.shouldRetry(error)) throw error;
      const backoff = options.baseDelayMs * 2 ** (attempt - 1);
      const delay = options.delayOverride?.(error) ?? backoff / 2 + (Math.random() * backoff) / 2;
      await sleep(Math.min(Math.max(0, delay), maxDelayMs));
    }
  }
}
