/**
 * The one parser of HTTP `Retry-After` (RFC 9110 §10.2.3) for every client that honours it
 * (QuantConnect, embedding endpoints, brokers): delay-seconds or an HTTP date.
 */

const DELAY_SECONDS = /^\s*-?\d+(?:\.\d+)?\s*$/;

/**
 * The wait `header` asks for, in milliseconds, never negative (a date in the past means now);
 * undefined when the header is absent or unreadable, so the caller falls back to its backoff.
 * Fractional seconds are accepted: some servers send them. Callers cap the result.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  if (DELAY_SECONDS.test(header)) return Math.max(0, Number(header) * 1000);
  // Only a date with a month or weekday name: V8's Date.parse also reads bare numbers as years.
  if (!/[a-z]/i.test(header)) return undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
