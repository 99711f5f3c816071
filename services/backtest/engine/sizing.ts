/**
 * How many units a target buys or sells. The three modes of `config.sizing`; all-in follows
 * backtesting.py's `int(margin_available * size // (price + commission per unit))`.
 */
import type { Sizing } from "../config.js";
import { TargetError } from "../errors.js";

/**
 * Checks a target the engine is about to act on (only changed targets are checked, so the
 * hot loop stays cheap). Throws `RUN_INVALID_TARGET` naming the bar.
 */
export function checkTarget(target: number, bar: number, sizing: Sizing): void {
  if (!Number.isFinite(target)) {
    throw new TargetError(`target at bar ${bar} is ${target}: use a finite number, or NaN to hold`);
  }
  if (sizing.mode !== "fixed_units" && Math.abs(target) > 1) {
    throw new TargetError(
      `target at bar ${bar} is ${target}: with sizing ${sizing.mode} a target is a fraction of equity in [-1, 1] (no leverage)`,
    );
  }
}

/**
 * Unsigned units for a non-zero `target` filled at `fillPrice` (slippage included) when the
 * account holds `cash` and no position. `commission` is the per-side fraction. Returns 0 when
 * not even one whole unit is affordable (all-in mode).
 */
export function unitsFor(target: number, fillPrice: number, cash: number, commission: number, sizing: Sizing): number {
  const magnitude = Math.abs(target);
  switch (sizing.mode) {
    case "fixed_units":
      return magnitude * sizing.units;
    case "fraction_of_equity":
      return cash > 0 ? (cash * magnitude * sizing.fraction) / (fillPrice * (1 + commission)) : 0;
    case "all_in_units": {
      if (cash <= 0) return 0;
      const budget = cash * magnitude;
      const perUnit = fillPrice * (1 + commission);
      return floorDiv(budget, perUnit);
    }
  }
}

/** floor(a / b) for positive floats, corrected when a / b rounds up to the next integer (as Python's `//` is). */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q > 0 && q * b > a) q -= 1;
  return q;
}
