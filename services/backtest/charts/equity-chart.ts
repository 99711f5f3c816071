/**
 * The backtest picture: equity (blue) and buy-and-hold of the same capital (grey) on top, the
 * drawdown below it (red, 0 at the panel's top edge). Curves longer than the plot is wide are
 * reduced to each pixel column's first, lowest, highest and last value, so a 1,000,000-bar run
 * keeps its spikes and draws as fast as a short one.
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
  /** Fraction below the running peak, 0-1, one per bar. */
  drawdown: ArrayLike<number>;
  /** Close prices; buy-and-hold is initial capital x close / first close. */
  close: ArrayLike<number>;
  initialCapital: number;
}

export function equityChartSvg(input: EquityChartInput): string {
  const L = EQUITY_LAYOUT;
  const n = input.equity.length;
  const first = input.close[0] ?? 1;
  const buyHold = Float64Array.from({ length: n }, (_, i) => (input.initialCapital * (input.close[i] ?? first)) / (first || 1));
  let lo = Infinity;
  let hi = -Infinity;
  for (const series of [input.equity, buyHold]) {
    for (let i = 0; i < n; i++) {
      const v = series[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1 || -1, hi + 1 || 1];
  let maxDd = 0;
  for (let i = 0; i < n; i++) maxDd = Math.max(maxDd, input.drawdown[i] ?? 0);
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

/** An SVG path over the plot's width; one column's first, min, max and last value when the series is long. */
function linePath(series: ArrayLike<number>, y: (v: number) => number): string {
  const L = EQUITY_LAYOUT;
  const n = series.length;
  if (n === 0) return "";
  const span = L.right - L.left;
  const x = (i: number) => L.left + (n === 1 ? 0 : (i / (n - 1)) * span);
  const parts: string[] = [];
  const push = (px: number, v: number) => parts.push(`${parts.length === 0 ? "M" : "L"}${num(px)},${num(y(Number.isFinite(v) ? v : 0))}`);
  if (n <= 2 * span) {
    for (let i = 0; i < n; i++) push(x(i), series[i]!);
    return parts.join(" ");
  }
  const columns = Math.ceil(span);
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c / columns) * n);
    const to = Math.max(from + 1, Math.floor(((c + 1) / columns) * n));
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = series[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const px = L.left + c + 0.5;
    push(px, series[from]!);
    push(px, min);
    push(px, max);
    push(px, series[to - 1]!);
  }
  return parts.join(" ");
}
