/**
 * Toolsets: the groups QC_TOOLSETS selects from, so a client loads only the tool schemas it
 * needs. Every tool belongs to exactly one.
 */

export const QC_TOOLSETS = [
  "account",
  "projects",
  "collaboration",
  "nodes",
  "files",
  "compile",
  "backtests",
  "optimizations",
  "live",
  "live-commands",
  "object-store",
  "lean",
  "ai",
  "server",
] as const;

export type QcToolset = (typeof QC_TOOLSETS)[number];

const KNOWN = new Set<string>(QC_TOOLSETS);

export function isQcToolset(value: string): value is QcToolset {
  return KNOWN.has(value);
}

/**
 * Parses a QC_TOOLSETS value: `all`, or a comma-separated list of toolset names (case and
 * surrounding spaces ignored, duplicates allowed). Returns the names in canonical order, or
 * throws naming the unknown entries and the valid ones.
 */
export function parseToolsets(value: string): QcToolset[] {
  const entries = value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`list at least one toolset, or all (toolsets: ${QC_TOOLSETS.join(", ")})`);
  if (entries.includes("all")) return [...QC_TOOLSETS];
  const unknown = entries.filter((entry) => !isQcToolset(entry));
  if (unknown.length > 0) {
    throw new Error(`unknown toolset(s) ${unknown.map((u) => JSON.stringify(u)).join(", ")}: use all, or some of ${QC_TOOLSETS.join(", ")}`);
  }
  return QC_TOOLSETS.filter((toolset) => entries.includes(toolset));
}
