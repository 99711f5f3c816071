/**
 * Turns JavaScript or TypeScript strategy source into the CommonJS function body the isolate
 * runs, with esbuild's `transform` (on the host: esbuild is a child process, which the
 * sandbox never gets). One format for both languages means one runner, `import`s become
 * calls to the sandbox's own `require` (which knows only "quantmind"), and `import()` cannot
 * reach a module loader. Syntax errors surface here, with the user's line.
 */
import { transform, type TransformFailure } from "esbuild";
import { StrategySyntaxError } from "./errors.js";
import { generatedToOriginalLines } from "./source-map.js";

export type StrategyLanguage = "javascript" | "typescript" | "python";

/** A strategy ready for the isolate; plain data, so it can cross a process boundary. */
export interface CompiledStrategy {
  readonly language: "javascript" | "typescript";
  /** CommonJS body: uses `module`, `exports` and `require`. */
  readonly js: string;
  /** `lines[g - 1]` is the user's 1-based line for generated line g (0: unknown). */
  readonly lines: readonly number[];
}

/** Largest strategy source accepted, in characters (a strategy is a page of code, not a bundle). */
export const MAX_CODE_CHARS = 1_000_000;

/**
 * Strategies compiled lately, newest last: an optimisation grid or a repeated job runs the same
 * source many times, and esbuild's round trip (2-7 ms here) is a tenth of a whole job.
 * Bounded by total source characters, so large strategies cannot pile up.
 */
const recent = new Map<string, CompiledStrategy>();
let recentChars = 0;
const RECENT_MAX_CHARS = 4 * MAX_CODE_CHARS;

export async function compileStrategy(language: StrategyLanguage, code: string): Promise<CompiledStrategy> {
  if (language !== "javascript" && language !== "typescript") {
    throw new TypeError(`compileStrategy handles javascript and typescript, not ${language}`);
  }
  if (code.length > MAX_CODE_CHARS) {
    throw new StrategySyntaxError(`the strategy is ${code.length} characters; at most ${MAX_CODE_CHARS} are accepted`);
  }
  const key = `${language}:${code}`;
  const known = recent.get(key);
  if (known !== undefined) {
    recent.delete(key);
    recent.set(key, known);
    return known;
  }
  const compiled = await transpile(language, code);
  if (!recent.has(key)) recentChars += key.length;
  recent.set(key, compiled);
  for (const [oldest] of recent) {
    if (recentChars <= RECENT_MAX_CHARS) break;
    recent.delete(oldest);
    recentChars -= oldest.length;
  }
  return compiled;
}

async function transpile(language: "javascript" | "typescript", code: string): Promise<CompiledStrategy> {
  try {
    const out = await transform(code, {
      loader: language === "typescript" ? "ts" : "js",
      format: "cjs",
      target: "es2022",
      // import() becomes a call to the sandbox's require, refused like any other module.
      supported: { "dynamic-import": false },
      sourcemap: "external",
      sourcefile: language === "typescript" ? "strategy.ts" : "strategy.js",
      logLevel: "silent",
      // Keep the user's names in stack traces and error messages.
      minify: false,
    });
    return Object.freeze({ language, js: out.code, lines: Object.freeze(generatedToOriginalLines(out.map, out.code)) });
  } catch (error) {
    const failure = error as Partial<TransformFailure>;
    const first = failure.errors?.[0];
    if (first === undefined) throw error;
    throw new StrategySyntaxError(first.text, first.location?.line);
  }
}
