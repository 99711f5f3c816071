/**
 * Just enough of the source-map format (v3 `mappings`, base-64 VLQ) to send a line of
 * esbuild's output back to the line the user wrote, so SYN and RUN errors name their line.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/** Decodes the VLQ numbers of one segment ("AAAA,"-style groups without the separators). */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < segment.length; i++) {
    const digit = DIGIT[segment.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error(`invalid base-64 digit ${JSON.stringify(segment[i])} in a source map`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * For each generated line (index g - 1), the 1-based original line of its first mapped
 * segment, or 0 when the line maps to nothing (esbuild's helpers). `mapJson` is the map text.
 */
export function generatedToOriginalLines(mapJson: string, generated: string): number[] {
  const map = JSON.parse(mapJson) as { mappings?: string };
  const lineCount = generated.split("\n").length;
  const lines = new Array<number>(lineCount).fill(0);
  let originalLine = 0;
  const groups = (map.mappings ?? "").split(";");
  for (let g = 0; g < groups.length && g < lineCount; g++) {
    let first = true;
    for (const segment of groups[g]!.split(",")) {
      if (segment === "") continue;
      const fields = decodeVlq(segment);
      // Fields: column, source, original line, original column (all but column are deltas
      // across the whole map, so every segment must be read, not just the first).
      if (fields.length >= 4) {
        originalLine += fields[2]!;
        if (first) {
          lines[g] = originalLine + 1;
          first = false;
        }
      }
    }
  }
  return lines;
}
