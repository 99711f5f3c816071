/** L2 normalisation shared by the embedders, so every vector they return has unit length. */

/**
 * Returns `values` scaled to unit Euclidean length, as a new Float32Array.
 * The norm is summed in float64 so long vectors of small components do not lose precision.
 * Throws a RangeError for a zero or non-finite vector: it has no direction, and indexing it
 * would make every cosine score against it meaningless.
 */
export function l2Normalize(values: ArrayLike<number>): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares);
  if (norm === 0 || !Number.isFinite(norm)) {
    throw new RangeError(`cannot normalise a vector with norm ${norm}`);
  }
  const result = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) result[i] = values[i]! / norm;
  return result;
}
