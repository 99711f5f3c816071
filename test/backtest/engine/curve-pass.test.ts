/** The equity-curve pass: drawdowns and their episodes (on backtesting.py's own example), peak and beta. */
import { describe, expect, it } from "vitest";
import { curvePass } from "../../../services/backtest/engine/curve-pass.js";

const times = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 1000);
const flatMarket = (n: number) => Float64Array.from({ length: n }, (_, i) => 100 * 1.01 ** i);

describe("curvePass", () => {
  it("matches the reference's example: dd [0, 1, 7, 0, 4, 0, 0] (%) has episodes of 3 and 2 bars, peaks 7 and 4", () => {
    // backtesting/test/_test.py test_compute_drawdown: durations [3, 2] at [3, 5], peaks [7, 4].
    const equity = Float64Array.from([100, 99, 93, 100, 96, 100, 100]);
    const { drawdown, episodes, maxDrawdown, peak } = curvePass(equity, times(7), flatMarket(7));
    expect(Array.from(drawdown, (d) => Math.round(d * 100))).toEqual([0, 1, 7, 0, 4, 0, 0]);
    expect(episodes).toEqual({
      count: 2,
      sumDepth: expect.closeTo(0.11, 12),
      maxDurationMs: 3000,
      sumDurationMs: 5000,
      maxDurationBars: 3,
      sumDurationBars: 5,
    });
    expect(maxDrawdown).toBeCloseTo(0.07, 12);
    expect(peak).toBe(100);
  });

  it("counts an episode still open at the last bar", () => {
    const { episodes, maxDrawdown } = curvePass(Float64Array.from([100, 90, 70, 80]), times(4), flatMarket(4));
    expect(episodes.count).toBe(1);
    expect(maxDrawdown).toBeCloseTo(0.3, 12);
    expect(episodes.maxDurationBars).toBe(3);
  });

  it("finds no drawdown in a rising curve", () => {
    const { episodes, maxDrawdown, drawdown } = curvePass(Float64Array.from([1, 2, 3]), times(3), flatMarket(3));
    expect(episodes.count).toBe(0);
    expect(maxDrawdown).toBe(0);
    expect(Array.from(drawdown)).toEqual([0, 0, 0]);
  });

  it("gives beta 1 for equity that is the market, 2 for twice its log returns, 0 when flat", () => {
    const close = Float64Array.from([100, 103, 99, 104, 101, 108]);
    expect(curvePass(close, times(6), close).beta).toBeCloseTo(1, 12);
    const doubled = close.map((c) => (c / 100) ** 2 * 1000);
    expect(curvePass(doubled, times(6), close).beta).toBeCloseTo(2, 12);
    expect(curvePass(new Float64Array(6).fill(5), times(6), close).beta).toBe(0);
    expect(curvePass(Float64Array.from([1, 2]), times(2), Float64Array.from([1, 2])).beta).toBeNaN(); // one return: no covariance
  });
});
