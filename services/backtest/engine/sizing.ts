/**
 * How many units a target buys or sells. The three modes of `config.sizing`; all-in follows
 * backtesting.py's `int(margin_available * size // (price + commission per unit))`.
 * The mode is flattened to numbers once per run (`sizingOf`): the fill pass reads plain fields,
 * never the configuration object, on its hot path.
 */
import type { Sizing } from "../config.js";
import { TargetError } from "../errors.js";

export const ALL_IN_UNITS = 0;
export const FRACTION_OF_EQUITY = 1;
export const FIXED_UNITS = 2;

/** A sizing mode as numbers: `mode` one of the constants above, `factor` its fraction or units (1 for all-in). */
export interface FlatSizing {
  mode: number;
  factor: number;
  name: Sizing["mode"];
}

export function sizingOf(sizing: Sizing): FlatSizing {
  switch (sizing.mode) {
    case "all_in_units":
      return { mode: ALL_IN_UNITS, factor: 1, name: sizing.mode };
    case "fraction_of_equity":
      return { mode: FRACTION_OF_EQUITY, factor: sizing.fraction, name: sizing.mode };
    case "fixed_units":
      return { mode: FIXED_UNITS, factor: sizing.units, name: sizing.mode };
  }
}

/**
 * Checks a target the engine is about to act on (only changed targets are checked, so the
 * hot loop stays cheap). Throws `RUN_INVALID_TARGET` naming the bar.
 */
export function checkTarget(target: number, bar: number, sizing: FlatSizing): void {
  if (target - target !== 0) {
    throw new TargetError(`target at bar ${bar} is ${target}: use a finite number, or NaN to hold`);
  }
  if (sizing.mode !== FIXED_UNITS && (target > 1 || target < -1)) {
    throw new TargetError(
      `target at bar ${bar} is ${target}: with sizing ${sizing.name} a target is a fraction of equity in [-1, 1] (no leverage)`,
    );
  }
}

/**
 * Unsigned units for a non-zero `target` filled at `fillPrice` (slippage included) when the
 * account holds `cash` and no position. `commission` is the per-side fraction. Returns 0 when
 * not even one whole unit is affordable (all-in mode).
 */
export function unitsFor(target: number, fillPrice: number, cash: number, commission: number, sizing: FlatSizing): number {
  const magnitude = target < 0 ? -target : target;
  if (sizing.mode === FIXED_UNITS) return magnitude * sizing.factor;
  if (!(cash > 0)) return 0;
  const budget = cash * magnitude * sizing.factor;
  const perUnit = fillPrice * (1 + commission);
  return sizing.mode === FRACTION_OF_EQUITY ? budget / perUnit : floorDiv(budget, perUnit);
}

/** floor(a / b) for positive floats, corrected when a / b rounds up to the next integer (as Python's `//` is). */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q > 0 && q * b > a) q -= 1;
  return q;
}
