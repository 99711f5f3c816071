/**
 * The policy pack: its list of rules (pack.ts), and each rule both violated and satisfied, called
 * the way the policy server calls them (harness.ts). One spec module per rule under rules/,
 * discovered, not listed: a new spec runs without being added here, and a rule under
 * infra/policy/rules that no spec imports fails. They run in this one file because loading
 * @pulumi/pulumi and the providers costs seconds per test process, and the checks themselves
 * take milliseconds.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import "./pack.js";

const SPEC_DIR = path.join(import.meta.dirname, "rules");
const RULE_DIR = path.resolve(import.meta.dirname, "../../../infra/policy/rules");
const specs = readdirSync(SPEC_DIR).filter((file) => file.endsWith(".ts")).sort();

for (const spec of specs) await import(pathToFileURL(path.join(SPEC_DIR, spec)).href);

describe("policy rule specs", () => {
  it("were found and loaded", () => {
    expect(specs.length).toBeGreaterThanOrEqual(7);
  });

  it("cover every rule file: each is imported by some spec", () => {
    const imported = new Set(specs.flatMap((spec) => [...readFileSync(path.join(SPEC_DIR, spec), "utf8").matchAll(/infra\/policy\/rules\/([\w-]+)\.js"/g)].map((m) => m[1])));
    const rules = readdirSync(RULE_DIR).filter((file) => file.endsWith(".ts")).map((file) => file.slice(0, -3));
    expect(rules.filter((rule) => !imported.has(rule))).toEqual([]);
  });
});
