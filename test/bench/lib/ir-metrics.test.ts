import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dcgAt, gain, mean, ndcgAt, recallAt, reciprocalRank } from "../../../bench/lib/ir-metrics.js";

const grades = new Map([
  ["a", 3],
  ["c", 2],
  ["d", 1],
]);

describe("ir metrics against hand-computed cases", () => {
  it("gain is 2^grade - 1 and 0 for unjudged", () => {
    expect([gain(0), gain(1), gain(2), gain(3)]).toEqual([0, 1, 3, 7]);
  });

  it("DCG discounts rank r by log2(r + 1)", () => {
    // a at 1: 7/1; b at 2: 0; c at 3: 3/log2(4) = 1.5
    expect(dcgAt(["a", "b", "c"], grades, 10)).toBeCloseTo(8.5, 12);
    // cut at k = 2: only a counts
    expect(dcgAt(["a", "b", "c"], grades, 2)).toBeCloseTo(7, 12);
  });

  it("nDCG divides by the ideal ordering of every judged article", () => {
    // ideal a, c, d: 7 + 3/log2(3) + 1/log2(4) = 7 + 1.8927892607 + 0.5
    const ideal = 7 + 3 / Math.log2(3) + 0.5;
    expect(ndcgAt(["a", "b", "c"], grades, 10)).toBeCloseTo(8.5 / ideal, 12);
    expect(ndcgAt(["a", "b", "c"], grades, 10)).toBeCloseTo(0.904951, 5);
    expect(ndcgAt(["a", "c", "d"], grades, 10)).toBeCloseTo(1, 12);
    // the answer at rank 2 behind an unjudged article: 7/log2(3) over the ideal at k=1 (7)
    expect(ndcgAt(["x", "a"], grades, 1)).toBe(0);
    expect(ndcgAt(["x", "a"], grades, 2)).toBeCloseTo(7 / Math.log2(3) / (7 + 3 / Math.log2(3)), 12);
    expect(ndcgAt([], grades, 10)).toBe(0);
  });

  it("nDCG is 0, not NaN, for a query with nothing judged", () => {
    expect(ndcgAt(["a"], new Map(), 10)).toBe(0);
  });

  it("recall@k counts grade >= 2 by default", () => {
    // relevant (>= 2): a, c. Top 2 of [b, a, c] holds a only.
    expect(recallAt(["b", "a", "c"], grades, 2)).toBe(0.5);
    expect(recallAt(["b", "a", "c"], grades, 3)).toBe(1);
    // d is grade 1: not relevant at the default threshold, relevant at 1
    expect(recallAt(["d"], grades, 5)).toBe(0);
    expect(recallAt(["d"], grades, 5, 1)).toBeCloseTo(1 / 3, 12);
  });

  it("reciprocal rank is 1/rank of the first grade >= 2 article, 0 when absent", () => {
    expect(reciprocalRank(["d", "x", "c"], grades)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(["a"], grades)).toBe(1);
    expect(reciprocalRank(["d", "x"], grades)).toBe(0);
    expect(reciprocalRank(["d"], grades, 1)).toBe(1);
  });

  it("a repeated article scores once and keeps the ranks after it", () => {
    expect(dcgAt(["a", "a", "c"], grades, 10)).toBeCloseTo(8.5, 12);
    expect(recallAt(["c", "c"], grades, 5)).toBe(0.5);
  });

  it("rejects a k that is not a positive integer", () => {
    expect(() => dcgAt(["a"], grades, 0)).toThrow(/k must be a positive integer, got 0/);
    expect(() => recallAt(["a"], grades, 2.5)).toThrow(RangeError);
  });

  it("mean is NaN for no values rather than a score", () => {
    expect(mean([])).toBeNaN();
    expect(mean([1, 0, 0.5])).toBeCloseTo(0.5, 12);
  });

  it("every measure stays within [0, 1] and nDCG of the ideal ranking is 1", () => {
    const judged = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e", "f"), fc.integer({ min: 1, max: 3 }), { minKeys: 1 });
    const ranking = fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "x", "y"), { maxLength: 12 });
    fc.assert(
      fc.property(judged, ranking, fc.integer({ min: 1, max: 10 }), (dict, ranked, k) => {
        const g = new Map(Object.entries(dict));
        for (const value of [ndcgAt(ranked, g, k), recallAt(ranked, g, k, 1), reciprocalRank(ranked, g, 1)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
        const ideal = [...g.entries()].sort((x, y) => y[1] - x[1]).map(([id]) => id);
        expect(ndcgAt(ideal, g, k)).toBeCloseTo(1, 12);
      }),
    );
  });
});
