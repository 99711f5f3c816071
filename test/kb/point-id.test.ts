import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pointId } from "../../services/kb/point-id.js";

describe("pointId", () => {
  it("is a v5-layout UUID, stable across calls", () => {
    const id = pointId("indicators/atr.md", 3);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pointId("indicators/atr.md", 3)).toBe(id);
  });

  it("differs for the same file name in two folders, and for each chunk", () => {
    expect(pointId("a/x.md", 0)).not.toBe(pointId("b/x.md", 0));
    expect(pointId("a/x.md", 0)).not.toBe(pointId("a/x.md", 1));
    expect(pointId("a/x.md1", 0)).not.toBe(pointId("a/x.md", 10));
  });

  it("property: distinct (path, chunk) pairs get distinct ids", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ maxLength: 12 }), fc.nat(50)), { minLength: 2, maxLength: 50, selector: ([p, i]) => `${p}\0${i}` }), (pairs) => {
        const ids = new Set(pairs.map(([p, i]) => pointId(p, i)));
        expect(ids.size).toBe(pairs.length);
      }),
    );
  });
});
