import { describe, expect, it } from "vitest";
import { retry, type RetryOptions } from "../../services/shared/retry.js";

class Transient extends Error {
  constructor(readonly retryAfterMs?: number) {
    super("transient");
  }
}

/** Options with a sleep that records each wait instead of waiting. */
function recording(extra: Partial<RetryOptions> = {}) {
  const delays: number[] = [];
  const options: RetryOptions = {
    maxAttempts: 4,
    baseDelayMs: 100,
    shouldRetry: (error) => error instanceof Transient,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  };
  return { delays, options };
}

/** A function failing with `errors` in turn, then resolving to "ok"; counts its calls. */
function failing(...errors: Error[]) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    const error = errors.shift();
    if (error) throw error;
    return "ok";
  };
  return { attempts, fn };
}

describe("retry", () => {
  it("returns the first success without waiting", async () => {
    const { delays, options } = recording();
    const { attempts, fn } = failing();
    expect(await retry(fn, options)).toBe("ok");
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it("retries retryable failures, passing the attempt number, with jittered exponential backoff", async () => {
    const { delays, options } = recording();
    const { attempts, fn } = failing(new Transient(), new Transient(), new Transient());
    expect(await retry(fn, options)).toBe("ok");
    expect(attempts).toEqual([1, 2, 3, 4]);
    // Equal jitter: each wait lies in [d/2, d] for d = 100, 200, 400.
    expect(delays).toHaveLength(3);
    [100, 200, 400].forEach((d, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(d / 2);
      expect(delays[i]).toBeLessThanOrEqual(d);
    });
  });

  it("gives up after maxAttempts, rethrowing the last error", async () => {
    const { delays, options } = recording({ maxAttempts: 3 });
    const last = new Transient();
    const { attempts, fn } = failing(new Transient(), new Transient(), last, new Transient());
    await expect(retry(fn, options)).rejects.toBe(last);
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(2);
  });

  it("does not retry when shouldRetry says no", async () => {
    const { delays, options } = recording();
    const fatal = new Error("bad request");
    const { attempts, fn } = failing(new Transient(), fatal);
    await expect(retry(fn, options)).rejects.toBe(fatal);
    expect(attempts).toEqual([1, 2]);
    expect(delays).toHaveLength(1);
  });

  it("maxAttempts 1 never retries", async () => {
    const { delays, options } = recording({ maxAttempts: 1 });
    const { attempts, fn } = failing(new Transient());
    await expect(retry(fn, options)).rejects.toBeInstanceOf(Transient);
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it("waits what delayOverride says when it answers, the backoff otherwise, never over maxDelayMs", async () => {
    const { delays, options } = recording({
      maxAttempts: 5,
      maxDelayMs: 5000,
      delayOverride: (error) => (error as Transient).retryAfterMs,
    });
    const { fn } = failing(new Transient(1234), new Transient(), new Transient(60_000), new Transient(0));
    expect(await retry(fn, options)).toBe("ok");
    expect(delays[0]).toBe(1234);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    expect(delays[2]).toBe(5000);
    expect(delays[3]).toBe(0);
  });

  it("caps the backoff at maxDelayMs", async () => {
    const { delays, options } = recording({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 1500 });
    const { fn } = failing(...Array.from({ length: 5 }, () => new Transient()));
    expect(await retry(fn, options)).toBe("ok");
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays.slice(2)).toEqual([1500, 1500, 1500]);
  });
});
