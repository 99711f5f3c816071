/**
 * The optimisation heatmap for a grid over two parameters: one cell per (x, y) point, the first
 * parameter's values left to right, the second's bottom to top, coloured from dark purple (worst)
 * to yellow (best) on the viridis ramp; a point that produced no value is grey.
 */
import { num, renderPng } from "./render-png.js";

export const HEATMAP_LAYOUT = { width: 640, height: 640, margin: 20, missing: "#bdbdbd" } as const;

/** Viridis at five stops: perceptually even and readable by colour-blind readers. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** The ramp's colour at t in [0, 1], as [r, g, b]. */
export function viridis(t: number): [number, number, number] {
  const clamped = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(clamped), VIRIDIS.length - 2);
  const f = clamped - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

export interface HeatmapInput {
  /** Number of distinct values of the first and second parameter. */
  columns: number;
  rows: number;
  /** values[row][column]; null or non-finite = no value. Row 0 is drawn at the bottom. */
  values: (number | null)[][];
}

/** The rectangle of cell (column, row) in pixels, for tests and for the SVG alike. */
export function heatmapCell(input: Pick<HeatmapInput, "columns" | "rows">, column: number, row: number) {
  const H = HEATMAP_LAYOUT;
  const w = (H.width - 2 * H.margin) / input.columns;
  const h = (H.height - 2 * H.margin) / input.rows;
  return { x: H.margin + column * w, y: H.height - H.margin - (row + 1) * h, w, h };
}

export function heatmapSvg(input: HeatmapInput): string {
  const H = HEATMAP_LAYOUT;
  const finite = input.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const cells: string[] = [];
  for (let row = 0; row < input.rows; row++) {
    for (let column = 0; column < input.columns; column++) {
      const v = input.values[row]?.[column];
      const cell = heatmapCell(input, column, row);
      const fill =
        v === null || v === undefined || !Number.isFinite(v) ? H.missing : rgb(viridis(hi > lo ? (v - lo) / (hi - lo) : 1));
      cells.push(`<rect x="${num(cell.x)}" y="${num(cell.y)}" width="${num(cell.w)}" height="${num(cell.h)}" fill="${fill}" stroke="#ffffff" stroke-width="1"/>`);
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${H.width}" height="${H.height}" viewBox="0 0 ${H.width} ${H.height}">`,
    `<rect width="${H.width}" height="${H.height}" fill="#ffffff"/>`,
    ...cells,
    "</svg>",
  ].join("\n");
}

export function heatmapPng(input: HeatmapInput): Buffer {
  return renderPng(heatmapSvg(input));
}

function rgb([r, g, b]: [number, number, number]): string {
  return `rgb(${r},${g},${b})`;
}
