import { describe, expect, it } from "vitest";
import { buyAndHold, CHART_COLUMNS, EQUITY_LAYOUT, equityChartPng, equityChartSvg, reduceForChart } from "../../../services/backtest/charts/equity-chart.js";
import { HEATMAP_LAYOUT, heatmapCell, heatmapPng, viridis } from "../../../services/backtest/charts/heatmap-chart.js";
import { decodePng } from "./png-decode.js";

const hex = (color: string) => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
const near = (actual: number[], expected: number[], tolerance = 12) => expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);

describe("equity chart", () => {
  // Equity flat then falling by half in the second half: the drawdown panel is red under the fall.
  const n = 200;
  const equity = Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? 10_000 : 10_000 - (i - n / 2) * 50));
  let peak = 0;
  const drawdown = Float64Array.from(equity, (v) => ((peak = Math.max(peak, v)), 1 - v / peak));
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i);

  it("is a PNG of the layout's size with the background, the drawdown and the equity where they belong", () => {
    const png = decodePng(equityChartPng({ equity, drawdown, buyHold: buyAndHold(close, 10_000) }));
    expect([png.width, png.height]).toEqual([EQUITY_LAYOUT.width, EQUITY_LAYOUT.height]);
    expect(png.pixel(2, 2).slice(0, 3)).toEqual([255, 255, 255]);
    // Near the right edge the drawdown is at its maximum: the whole drawdown panel column is red.
    const ddMid = Math.round((EQUITY_LAYOUT.drawdown.y0 + EQUITY_LAYOUT.drawdown.y1) / 2);
    expect(near(png.pixel(EQUITY_LAYOUT.right - 5, ddMid), hex(EQUITY_LAYOUT.colors.drawdown), 40)).toBe(true);
    // Left half: no drawdown, so the panel is white there.
    expect(png.pixel(EQUITY_LAYOUT.left + 50, ddMid).slice(0, 3)).toEqual([255, 255, 255]);
    // Buy-and-hold rises to 10,000 x 299/100, the top of the scale; equity at 10,000 sits low and flat in blue.
    const lo = 5_000;
    const hi = (10_000 * 299) / 100;
    const y = Math.round(EQUITY_LAYOUT.top.y1 - ((10_000 - lo) / (hi - lo)) * (EQUITY_LAYOUT.top.y1 - EQUITY_LAYOUT.top.y0));
    const column = [y - 1, y, y + 1].map((yy) => png.pixel(EQUITY_LAYOUT.left + 100, yy));
    expect(column.some((p) => near(p, hex(EQUITY_LAYOUT.colors.equity), 40))).toBe(true);
  });

  it("reduces a million-bar curve to the plot's width and keeps the extremes", () => {
    const big = new Float64Array(1_000_000).fill(100);
    big[500_000] = 1_000; // one spike must survive the reduction
    const svg = equityChartSvg({ equity: big, drawdown: new Float64Array(big.length), buyHold: new Float64Array(big.length).fill(100) });
    expect(svg.length).toBeLessThan(400_000);
    expect(svg).toContain(`,${EQUITY_LAYOUT.top.y0}`); // the spike reaches the top edge
    const reduced = reduceForChart(big);
    expect(reduced).toHaveLength(4 * CHART_COLUMNS);
    expect(Math.max(...reduced)).toBe(1_000);
    expect(reduceForChart([1, 2, 3])).toEqual([1, 2, 3]);
    expect(Array.from(buyAndHold([50, 100, 25], 1_000))).toEqual([1_000, 2_000, 500]);
  });

  it("draws an empty or constant run without NaN", () => {
    const svg = equityChartSvg({ equity: [5, 5], drawdown: [0, 0], buyHold: [5, 5] });
    expect(svg).not.toContain("NaN");
    expect(decodePng(equityChartPng({ equity: [], drawdown: [], buyHold: [] })).width).toBe(EQUITY_LAYOUT.width);
  });
});

describe("heatmap", () => {
  it("colours the best cell yellow, the worst purple and a missing one grey", () => {
    const input = { columns: 3, rows: 2, values: [[1, 2, 3], [4, null, 6]] };
    const png = decodePng(heatmapPng(input));
    expect([png.width, png.height]).toEqual([HEATMAP_LAYOUT.width, HEATMAP_LAYOUT.height]);
    const centre = (c: number, r: number) => {
      const cell = heatmapCell(input, c, r);
      return png.pixel(Math.round(cell.x + cell.w / 2), Math.round(cell.y + cell.h / 2));
    };
    expect(near(centre(0, 0), viridis(0), 2)).toBe(true);
    expect(near(centre(2, 1), viridis(1), 2)).toBe(true);
    expect(near(centre(1, 1), hex(HEATMAP_LAYOUT.missing), 2)).toBe(true);
    // Row 0 is the bottom row.
    expect(heatmapCell(input, 0, 0).y).toBeGreaterThan(heatmapCell(input, 0, 1).y);
  });

  it("interpolates the ramp between its ends", () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
  });
});
