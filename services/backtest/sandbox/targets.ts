/**
 * The last check on what a sandbox hands back, on the host: one value per bar, each NaN
 * (hold) or finite. The sandboxes already normalise what the strategy returned; this makes
 * the contract hold whatever happened inside.
 */
import { StrategyResultError } from "./errors.js";

export function checkTargets(targets: Float64Array, bars: number): void {
  if (targets.length !== bars) {
    throw new StrategyResultError(`the strategy returned ${targets.length} targets for ${bars} bars: one per bar is required`);
  }
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    // NaN (hold) passes: NaN - NaN is NaN, not 0, so only the finite test can catch ±Infinity.
    if (t === Infinity || t === -Infinity) {
      throw new StrategyResultError(`target at bar ${i} is ${t}: use a finite number, or NaN to hold`);
    }
  }
}
