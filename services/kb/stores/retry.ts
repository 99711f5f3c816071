/** Retry with exponential backoff and jitter, for calls to remote backends. */

/** How `retry` behaves; defaults live with the caller's options. */
export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** Delay before the second try; it doubles for each further try. */
  baseDelayMs: number;
  /** Whether an error is worth another try (network trouble, 5xx, 429). */
  isRetryable: (error: unknown) => boolean;
  /** Injected in tests. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it succeeds, it throws a non-retryable error, or the attempts run out; the last
 * error is rethrown. Each delay is drawn from [d/2, d] ("equal jitter") so that many clients that
 * failed together do not retry together.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const sleep = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !policy.isRetryable(error)) throw error;
      const delay = policy.baseDelayMs * 2 ** (attempt - 1);
      await sleep(delay / 2 + (Math.random() * delay) / 2);
    }
  }
}
