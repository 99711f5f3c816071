import { describe, expect, it } from "vitest";
import { pca, symmetricEigen } from "../../../scripts/lib/pca.js";

describe("symmetricEigen", () => {
  it("finds the eigenvalues and eigenvectors of a symmetric matrix", () => {
    // [[2,1],[1,2]] has eigenvalues 3 (along [1,1]) and 1 (along [1,-1]).
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    const order = [0, 1].sort((a, b) => values[b]! - values[a]!);
    expect(values[order[0]!]).toBeCloseTo(3, 10);
    expect(values[order[1]!]).toBeCloseTo(1, 10);
    const v = [vectors[0 * 2 + order[0]!]!, vectors[1 * 2 + order[0]!]!];
    expect(Math.abs(v[0]!)).toBeCloseTo(Math.SQRT1_2, 8);
    expect(v[0]).toBeCloseTo(v[1]!, 8);
  });
});

describe("pca", () => {
  it("keeps the axis of largest variance first and reports the share explained", () => {
    // Points spread along x (variance large), a little along y, none along z.
    const rows: number[] = [];
    for (let i = -50; i <= 50; i++) rows.push(i, (i % 3) * 0.1, 5);
    const { projected, variances, explained } = pca(Float32Array.from(rows), 101, 3, 1);
    expect(projected).toHaveLength(101);
    expect(Math.abs(projected[100]! - projected[0]!)).toBeCloseTo(100, 1);
    expect(variances[0]).toBeGreaterThan(800);
    expect(explained).toBeGreaterThan(0.99);
    expect(() => pca(Float32Array.from(rows), 101, 3, 4)).toThrow(RangeError);
  });
});
