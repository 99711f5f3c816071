/**
 * The result cache's key: sha256 over the strategy code, its language, the configuration with
 * every default filled in and its keys sorted (so `{a, b}` and `{b, a}`, or an omitted default
 * and the default spelled out, are one key), and the fingerprint of the data it runs on.
 */
import { createHash } from "node:crypto";
import type { BacktestConfig } from "../config.js";
import type { StrategyLanguage } from "./record.js";

/** Bumped when the engine's results change for the same inputs, which invalidates the cache. */
export const CACHE_VERSION = 1;

export function cacheKey(code: string, language: StrategyLanguage, config: BacktestConfig, dataFingerprint: string): string {
  return createHash("sha256")
    .update(canonicalJson({ v: CACHE_VERSION, language, code, config, data: dataFingerprint }))
    .digest("hex");
}

/** JSON with object keys sorted at every depth; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
