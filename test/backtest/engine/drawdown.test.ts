/** Drawdown episodes, on backtesting.py's own example (test_compute_drawdown) and edge cases. */
import { describe, expect, it } from "vitest";
import { drawdownCurve, drawdownEpisodes } from "../../../services/backtest/engine/drawdown.js";

const times = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 1000);

describe("drawdownEpisodes", () => {
  it("matches the reference's example: dd [0, 1, 7, 0, 4, 0, 0] has episodes of 3 and 2 bars, peaks 7 and 4", () => {
    // backtesting/test/_test.py test_compute_drawdown: durations [3, 2] at [3, 5], peaks [7, 4].
    const episodes = drawdownEpisodes(Float64Array.from([0, 1, 7, 0, 4, 0, 0]), times(7));
    expect(episodes).toEqual({
      count: 2,
      maxDepth: 7,
      sumDepth: 11,
      maxDurationMs: 3000,
      sumDurationMs: 5000,
      maxDurationBars: 3,
      sumDurationBars: 5,
    });
  });

  it("counts an episode still open at the last bar", () => {
    const episodes = drawdownEpisodes(Float64Array.from([0, 0.1, 0.3, 0.2]), times(4));
    expect(episodes.count).toBe(1);
    expect(episodes.maxDepth).toBe(0.3);
    expect(episodes.maxDurationBars).toBe(3);
  });

  it("finds none in a rising curve", () => {
    expect(drawdownEpisodes(drawdownCurve(Float64Array.from([1, 2, 3])), times(3)).count).toBe(0);
  });
});

describe("drawdownCurve", () => {
  it("is the fall from the running peak", () => {
    expect(Array.from(drawdownCurve(Float64Array.from([100, 120, 90, 120, 60])))).toEqual([0, 0, 0.25, 0, 0.5]);
  });
});
