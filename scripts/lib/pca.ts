/**
 * Principal component analysis for the static embedder's build: the covariance of the rows,
 * its eigenvectors by cyclic Jacobi rotations (exact for a symmetric matrix, and a 512 x 512
 * one takes a few seconds), and the rows projected onto the top components.
 */

export interface PcaResult {
  /** rows x components, centred and projected. */
  projected: Float32Array;
  /** Variance along each kept component, largest first. */
  variances: number[];
  /** Share of the total variance the kept components explain (0..1). */
  explained: number;
}

/** Eigen-decomposition of a symmetric n x n matrix (row-major); returns eigenvalues and column eigenvectors. */
export function symmetricEigen(matrix: Float64Array, n: number, maxSweeps = 50): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/** Centres `rows` (count x dim), and projects them onto their top `components` principal axes. */
export function pca(rows: Float32Array, count: number, dim: number, components: number): PcaResult {
  if (components < 1 || components > dim) throw new RangeError(`components must be 1..${dim}, got ${components}`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let i = 0; i < dim; i++) mean[i]! += rows[r * dim + i]! / count;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < dim; i++) centred[i] = rows[r * dim + i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      for (let j = i; j < dim; j++) cov[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j]! /= Math.max(count - 1, 1);
      cov[j * dim + i] = cov[i * dim + j]!;
    }
  }
  const { values, vectors } = symmetricEigen(cov, dim);
  const order = [...values.keys()].sort((x, y) => values[y]! - values[x]!).slice(0, components);
  const projected = new Float32Array(count * components);
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < components; c++) {
      const axis = order[c]!;
      let sum = 0;
      for (let i = 0; i < dim; i++) sum += (rows[r * dim + i]! - mean[i]!) * vectors[i * dim + axis]!;
      projected[r * components + c] = sum;
    }
  }
  const total = values.reduce((s, x) => s + Math.max(x, 0), 0);
  const variances = order.map((axis) => values[axis]!);
  return { projected, variances, explained: total > 0 ? variances.reduce((s, x) => s + x, 0) / total : 0 };
}
