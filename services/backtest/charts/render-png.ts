/**
 * SVG to PNG through resvg (no browser). The charts draw no text: resvg needs a font for text, and
 * the slim container image has none, so labels would vanish in production while passing here.
 * Numbers travel in the tool's text and the JSON report instead.
 */
import { Resvg } from "@resvg/resvg-js";
import { encodePng } from "./png-encode.js";

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: { loadSystemFonts: false }, fitTo: { mode: "original" }, background: "#ffffff" });
  const image = resvg.render();
  return encodePng(image.pixels, image.width, image.height);
}

/** Escapes nothing because nothing user-given enters the SVG: every value below is a number we formatted. */
export function num(value: number): string {
  return Number.isFinite(value) ? (Math.round(value * 100) / 100).toString() : "0";
}
