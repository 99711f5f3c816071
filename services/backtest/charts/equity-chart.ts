/**
 * The backtest picture: equity (blue) and buy-and-hold of the same capital (grey) on top, the
 * drawdown below it (red, 0 at the panel's top edge). Curves longer than the plot is wide are
 * reduced to each pixel column's first, lowest, highest and last value (reduceForChart), so a
 * 1,000,000-bar run keeps its spikes and draws as fast as a short one.
 */
import { num, renderPng } from "./render-png.js";

/** Pixel geometry, exported so tests can probe the picture at known places. */
export const EQUITY_LAYOUT = {
  width: 1000,
  height: 600,
  left: 20,
  right: 980,
  top: { y0: 20, y1: 400 },
  drawdown: { y0: 430, y1: 580 },
  colors: { background: "#ffffff", equity: "#1f77b4", buyHold: "#8c8c8c", drawdown: "#d62728", grid: "#e6e6e6" },
} as const;

export interface EquityChartInput {
  equity: ArrayLike<number>;
  /** Fraction below the running peak, 0-1. */
  drawdown: ArrayLike<number>;
  /** The initial capital held in the instrument instead. */
  buyHold: ArrayLike<number>;
}

/** Columns a long series is reduced to: one per pixel of the plot. */
export const CHART_COLUMNS = EQUITY_LAYOUT.right - EQUITY_LAYOUT.left;

/**
 * A series as the chart needs it: itself when short, else each pixel column's first, lowest,
 * highest and last value. The report keeps this (a few thousand numbers) so the picture can be
 * drawn later, exactly, without the bars.
 */
export function reduceForChart(series: ArrayLike<number>): number[] {
  const n = series.length;
  if (n <= 2 * CHART_COLUMNS) return Array.from(series);
  const out: number[] = [];
  for (let c = 0; c < CHART_COLUMNS; c++) {
    const from = Math.floor((c / CHART_COLUMNS) * n);
    const to = Math.max(from + 1, Math.floor(((c + 1) / CHART_COLUMNS) * n));
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = series[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    out.push(series[from]!, min, max, series[to - 1]!);
  }
  return out;
}

/**
 * Buy-and-hold of `capital` over `close`, bought at bar `from` (the strategy's first tradable
 * bar, default 0): capital until then, capital x close / close[from] after.
 */
export function buyAndHold(close: ArrayLike<number>, capital: number, from = 0): Float64Array {
  const start = Math.min(Math.max(0, from), Math.max(0, close.length - 1));
  const first = close[start] || 1;
  // A plain loop: Float64Array.from with a mapping callback over an array-like took ~45 ms a
  // million bars, a quarter of a 1M-bar job's report.
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = i < start ? capital : (capital * close[i]!) / first;
  return out;
}

export function equityChartSvg(input: EquityChartInput): string {
  const L = EQUITY_LAYOUT;
  const buyHold = input.buyHold;
  let lo = Infinity;
  let hi = -Infinity;
  for (const series of [input.equity, buyHold]) {
    for (let i = 0; i < series.length; i++) {
      const v = series[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1 || -1, hi + 1 || 1];
  let maxDd = 0;
  for (let i = 0; i < input.drawdown.length; i++) maxDd = Math.max(maxDd, input.drawdown[i] ?? 0);
  const topY = (v: number) => L.top.y1 - ((v - lo) / (hi - lo)) * (L.top.y1 - L.top.y0);
  const ddY = (v: number) => L.drawdown.y0 + (maxDd > 0 ? v / maxDd : 0) * (L.drawdown.y1 - L.drawdown.y0);
  const equityPath = linePath(input.equity, topY);
  const buyHoldPath = linePath(buyHold, topY);
  const ddLine = linePath(input.drawdown, ddY);
  const ddArea = ddLine ? `${ddLine} L${num(L.right)},${num(L.drawdown.y0)} L${num(L.left)},${num(L.drawdown.y0)} Z` : "";
  const grid = [0.25, 0.5, 0.75].map((f) => {
    const y = L.top.y0 + f * (L.top.y1 - L.top.y0);
    return `<line x1="${L.left}" y1="${num(y)}" x2="${L.right}" y2="${num(y)}" stroke="${L.colors.grid}" stroke-width="1"/>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}">`,
    `<rect width="${L.width}" height="${L.height}" fill="${L.colors.background}"/>`,
    ...grid,
    `<line x1="${L.left}" y1="${L.drawdown.y0}" x2="${L.right}" y2="${L.drawdown.y0}" stroke="${L.colors.grid}" stroke-width="1"/>`,
    ddArea && `<path d="${ddArea}" fill="${L.colors.drawdown}" fill-opacity="0.85" stroke="none"/>`,
    buyHoldPath && `<path d="${buyHoldPath}" fill="none" stroke="${L.colors.buyHold}" stroke-width="1.5"/>`,
    equityPath && `<path d="${equityPath}" fill="none" stroke="${L.colors.equity}" stroke-width="2"/>`,
    "</svg>",
  ].join("\n");
}

export function equityChartPng(input: EquityChartInput): Buffer {
  return renderPng(equityChartSvg(input));
}

/** An SVG path over the plot's width, through the reduced series. */
function linePath(series: ArrayLike<number>, y: (v: number) => number): string {
  const L = EQUITY_LAYOUT;
  const points = series.length > 2 * CHART_COLUMNS ? reduceForChart(series) : Array.from(series);
  const n = points.length;
  if (n === 0) return "";
  const span = L.right - L.left;
  return points
    .map((v, i) => `${i === 0 ? "M" : "L"}${num(L.left + (n === 1 ? 0 : (i / (n - 1)) * span))},${num(y(Number.isFinite(v) ? v : 0))}`)
    .join(" ");
}
