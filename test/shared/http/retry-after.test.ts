/** The one Retry-After parser: delay-seconds, HTTP dates, and junk that must fall back to the backoff. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../services/shared/http/retry-after.js";

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores junk", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(" 120 ", 0)).toBe(120_000);
    expect(parseRetryAfter("1.5", 0)).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", Date.UTC(1994, 10, 6, 8, 49, 30))).toBe(7000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter("0x10", 0)).toBeUndefined();
    expect(parseRetryAfter("Infinity", 0)).toBeUndefined();
    expect(parseRetryAfter("", 0)).toBeUndefined();
    expect(parseRetryAfter("  ", 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it("never asks for a negative wait: a past date or negative seconds mean now", () => {
    expect(parseRetryAfter("-5", 0)).toBe(0);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 60_000)).toBe(0);
  });

  it("does not read a bare year as a date (V8's Date.parse would)", () => {
    expect(parseRetryAfter("2030-", 0)).toBeUndefined();
  });

  it("round-trips any whole number of seconds and any HTTP date", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => parseRetryAfter(String(seconds), 0) === seconds * 1000));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => s * 1000),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (dateMs, nowMs) => parseRetryAfter(new Date(dateMs).toUTCString(), nowMs) === Math.max(0, dateMs - nowMs),
      ),
    );
  });

  it("uses the current time by default", () => {
    const inTenSeconds = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000).toUTCString();
    const wait = parseRetryAfter(inTenSeconds)!;
    expect(wait).toBeGreaterThan(9_000);
    expect(wait).toBeLessThanOrEqual(11_000);
  });
});
