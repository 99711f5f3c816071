/** Quantities in a symbol's steps. */

/**
 * Rounds down to a whole number of `step`s (no step: unchanged). The epsilon keeps 0.3 / 0.1
 * from flooring to 2; rounding back through the step's decimals keeps 3 x 0.01 at 0.03.
 */
export function roundDownToStep(quantity: number, step: number | undefined): number {
  if (step === undefined || !(step > 0)) return quantity;
  const steps = Math.floor(quantity / step + 1e-9);
  const decimals = Math.min(15, Math.max(0, -Math.floor(Math.log10(step)) + 2));
  return Number((steps * step).toFixed(decimals));
}
