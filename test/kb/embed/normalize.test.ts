import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { l2Normalize } from "../../../services/kb/embed/normalize.js";

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

// Components bounded so float32 neither overflows nor flushes to zero, and at least one is non-zero.
const vector = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 600 })
  .filter((v) => norm(v) > 1e-3);

describe("l2Normalize", () => {
  it("returns unit-length vectors", () => {
    fc.assert(fc.property(vector, (v) => Math.abs(norm(l2Normalize(v)) - 1) < 1e-5));
  });

  it("keeps the direction: every component is the input scaled by one positive factor", () => {
    fc.assert(
      fc.property(vector, (v) => {
        const scale = 1 / norm(v);
        const out = l2Normalize(v);
        return v.every((x, i) => Math.abs(out[i]! - x * scale) <= 1e-6 + 1e-6 * Math.abs(x * scale));
      }),
    );
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(vector, (v) => {
        const once = l2Normalize(v);
        const twice = l2Normalize(once);
        return once.every((x, i) => Math.abs(x - twice[i]!) < 1e-6);
      }),
    );
  });

  it("refuses vectors without a direction", () => {
    expect(() => l2Normalize([0, 0, 0])).toThrow(RangeError);
    expect(() => l2Normalize([1, Number.NaN])).toThrow(RangeError);
    expect(() => l2Normalize([Number.POSITIVE_INFINITY, 1])).toThrow(RangeError);
  });

  it("names the refused vector in the error when told what it is", () => {
    expect(() => l2Normalize([0, 0], "point p1 (a.md#0)")).toThrow(
      "cannot normalise point p1 (a.md#0): its norm is 0, and a zero or non-finite vector has no direction",
    );
    expect(() => l2Normalize([Number.NaN])).toThrow(/cannot normalise a vector: its norm is NaN/);
  });
});
