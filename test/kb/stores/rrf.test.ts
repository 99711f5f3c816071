import { describe, expect, it } from "vitest";
import { fuseRankings, RRF_K } from "../../../services/kb/stores/rrf.js";
import type { ArticleHit } from "../../../services/kb/stores/vector-store.js";
import { chunk, vec } from "./vector-store-suite.js";

const hit = (path: string, chunkIndex = 0, score = 1): ArticleHit => {
  const { id, payload } = chunk(path, chunkIndex, vec(1));
  return { id, score, payload };
};

describe("fuseRankings", () => {
  it("sums 1/(k + rank) over the lists, keeping the first list's hit for an article", () => {
    const fused = fuseRankings([[hit("a.md", 2), hit("b.md")], [hit("b.md"), hit("a.md", 5), hit("c.md")]], 10);
    expect(fused.map((h) => h.payload.path)).toEqual(["a.md", "b.md", "c.md"]);
    const both = 1 / (RRF_K + 1) + 1 / (RRF_K + 2);
    expect(fused[0]!.score).toBeCloseTo(both, 12);
    expect(fused[1]!.score).toBeCloseTo(both, 12);
    expect(fused[0]!.payload.chunkIndex).toBe(2);
    expect(fused[2]!.score).toBeCloseTo(1 / (RRF_K + 3), 12);
  });

  it("cuts at limit, breaks ties by path and copes with empty lists", () => {
    expect(fuseRankings([[hit("z.md")], [hit("y.md")]], 1).map((h) => h.payload.path)).toEqual(["y.md"]);
    expect(fuseRankings([[], []], 5)).toEqual([]);
    expect(fuseRankings([[hit("a.md")]], 0)).toEqual([]);
  });
});
