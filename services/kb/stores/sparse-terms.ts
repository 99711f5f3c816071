/**
 * Qdrant's side of keyword search: a chunk's keyword terms (kb/keywords.ts, the same terms the
 * embedded store's BM25 index uses) as a sparse vector. Qdrant's `idf` modifier supplies the
 * inverse document frequency at query time; the term-frequency half of BM25 is computed here,
 * so a dot product of query and document vectors is the BM25 score.
 */
import { keywordTerms } from "../keywords.js";

export interface SparseVector {
  indices: number[];
  values: number[];
}

/** BM25's term-frequency saturation and length normalisation (the usual values). */
const K1 = 1.2;
const B = 0.75;
/**
 * Typical terms per chunk: BM25 needs the corpus average, which Qdrant does not provide; a
 * fixed value only shifts how strongly length is normalised (chunks are of similar size).
 */
export const AVERAGE_TERMS = 80;

/** FNV-1a, 32 bits: a term's dimension. Collisions between two real terms are rare and only blur scores. */
export function termIndex(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function counts(terms: string[]): Map<number, number> {
  const byIndex = new Map<number, number>();
  for (const term of terms) {
    const index = termIndex(term);
    byIndex.set(index, (byIndex.get(index) ?? 0) + 1);
  }
  return byIndex;
}

/** A chunk's sparse vector: BM25 term-frequency weight per term. */
export function documentSparseVector(text: string): SparseVector {
  const terms = keywordTerms(text);
  const norm = K1 * (1 - B + (B * terms.length) / AVERAGE_TERMS);
  const vector: SparseVector = { indices: [], values: [] };
  for (const [index, tf] of counts(terms)) {
    vector.indices.push(index);
    vector.values.push((tf * (K1 + 1)) / (tf + norm));
  }
  return vector;
}

/** A query's sparse vector: weight 1 per distinct term (IDF is applied by Qdrant). */
export function querySparseVector(text: string): SparseVector {
  const indices = [...counts(keywordTerms(text)).keys()];
  return { indices, values: indices.map(() => 1) };
}
