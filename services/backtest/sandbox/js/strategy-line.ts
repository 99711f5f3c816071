/**
 * Finds the user's line in an isolate stack trace or compile message: the first
 * `strategy.js:LINE` that falls inside the strategy's part of the script, sent back through
 * esbuild's source map to the line the user wrote.
 */
import type { CompiledStrategy } from "../compile.js";
import { USER_LINE_OFFSET } from "./runner-source.js";

export function strategyLine(trace: string, compiled: CompiledStrategy): number | undefined {
  for (const match of trace.matchAll(/strategy\.js:(\d+)/g)) {
    const generated = Number(match[1]) - USER_LINE_OFFSET;
    if (generated < 1 || generated > compiled.lines.length) continue;
    const original = compiled.lines[generated - 1]!;
    if (original > 0) return original;
  }
  return undefined;
}
