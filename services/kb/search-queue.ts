/**
 * A bound on the searches one server queues for query embedding. Each search costs a model run
 * (tens of ms on a busy core); without a bound, one client's burst queues seconds of work ahead
 * of everybody else. HTTP admission reserves a request's searches here and frees them when the
 * request ends; a request that does not fit is refused at once (503 with Retry-After).
 */

export interface SearchQueue {
  readonly capacity: number;
  /** Searches admitted and not yet finished. */
  readonly pending: number;
  /** Reserves `count` places; false (nothing reserved) when they do not fit. */
  tryReserve(count: number): boolean;
  release(count: number): void;
}

export function createSearchQueue(capacity: number): SearchQueue {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`search queue capacity must be an integer >= 1, got ${capacity}`);
  let pending = 0;
  return {
    capacity,
    get pending() {
      return pending;
    },
    tryReserve(count) {
      if (pending + count > capacity) return false;
      pending += count;
      return true;
    },
    release(count) {
      pending = Math.max(0, pending - count);
    },
  };
}
