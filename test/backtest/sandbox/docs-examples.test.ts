/** Every strategy example in docs/backtest-strategies.md runs as documented and trades. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runStrategy, type StrategyLanguage } from "../../../services/backtest/sandbox/run-strategy.js";
import { PACKAGE_ROOT } from "../../../services/shared/package-root.js";
import { makeBars } from "./sandbox-fixtures.js";

const doc = readFileSync(path.join(PACKAGE_ROOT, "docs", "backtest-strategies.md"), "utf8");
const LANGUAGES: Record<string, StrategyLanguage> = { js: "javascript", ts: "typescript", python: "python" };
const examples = [...doc.matchAll(/```(js|ts|python)\n([\s\S]*?)```/g)].map((m) => ({ language: LANGUAGES[m[1]!]!, code: m[2]! }));
/** Every parameter the examples read. */
const params = { fast: 10, slow: 30, k: 2, period: 14, low: 30, high: 70, n: 20, stop: 0.02 };

describe("docs/backtest-strategies.md examples", () => {
  it("has examples in all three languages and both shapes", () => {
    expect(new Set(examples.map((e) => e.language))).toEqual(new Set(["javascript", "typescript", "python"]));
    expect(examples.filter((e) => /def next|function next/.test(e.code)).length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples.map((e, i) => [i + 1, e.language, e] as const))("example %i (%s) runs and trades", async (_, __, example) => {
    const bars = makeBars(600);
    const targets = await runStrategy({ language: example.language, code: example.code, bars, params });
    expect(targets.length).toBe(600);
    expect(targets.some((t) => !Number.isNaN(t) && t !== 0)).toBe(true);
  });
});
