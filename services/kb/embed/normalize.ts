/**
 * L2 normalisation, the one used everywhere a vector is embedded, stored or searched, so every
 * vector the knowledge base handles has unit length and a zero vector is refused the same way.
 */

/**
 * Returns `values` scaled to unit Euclidean length, as a new Float32Array.
 * The norm is summed in float64 so long vectors of small components do not lose precision.
 * Throws a RangeError for a zero or non-finite vector: it has no direction, and indexing it
 * would make every cosine score against it meaningless. `what` names the vector in that error
 * (e.g. "point <id> (a.md#0)"); default "a vector".
 */
export function l2Normalize(values: ArrayLike<number>, what = "a vector"): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares);
  if (norm === 0 || !Number.isFinite(norm)) {
    throw new RangeError(
      `cannot normalise ${what}: its norm is ${norm}, and a zero or non-finite vector has no direction`,
    );
  }
  const result = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) result[i] = values[i]! / norm;
  return result;
}
