/**
 * The keyword index's storage pieces (keyword-index.ts): one term's postings as a flat typed
 * array, growing typed arrays, and the stamps of per-query scratch arrays.
 */

/** Entries are STRIDE int32s: row, row version, title and text term frequencies (16 bits each). */
export const STRIDE = 3;

/** A copy of `array` with room for `capacity` elements (the first `capacity` kept when shrinking). */
export function resized<T extends Int32Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (n: number) => T)(capacity);
  copy.set(array.subarray(0, Math.min(array.length, capacity)));
  return copy;
}

/**
 * The stamp after `stamp` for per-query scratch arrays (an entry is this query's when it holds
 * the stamp); on wrap-around, after 2^32 queries, `stamps` is cleared so no old entry matches.
 */
export function nextStamp(stamp: number, stamps: Uint32Array): number {
  const next = (stamp + 1) >>> 0;
  if (next !== 0) return next;
  stamps.fill(0);
  return 1;
}

/** The smallest power-of-two multiple of `current` that is at least `needed`. */
export function grownCapacity(current: number, needed: number): number {
  let capacity = Math.max(current, 1);
  while (capacity < needed) capacity *= 2;
  return capacity;
}

/**
 * The chunks holding one term, one entry of STRIDE int32s each: row, the row's version when
 * the entry was added (an entry of an older version is stale: its row was removed or rewritten
 * since), and the title and text term frequencies packed in 16 bits each. One typed array per
 * term, since there are tens of thousands of terms.
 */
export class Postings {
  data = new Int32Array(STRIDE * 2);
  /** Entries in use, stale ones included. */
  length = 0;
  /** Live chunks with the term in their title / text: BM25's document frequencies. */
  titleDf = 0;
  textDf = 0;
  /** Stale entries, dropped by compact(). */
  stale = 0;

  constructor(readonly term: string) {}

  /** Adds an entry; `titleTf` and `textTf` must be at most 0xffff. */
  push(row: number, version: number, titleTf: number, textTf: number): void {
    if ((this.length + 1) * STRIDE > this.data.length) this.data = resized(this.data, this.data.length * 2);
    const at = this.length++ * STRIDE;
    this.data[at] = row;
    this.data[at + 1] = version;
    this.data[at + 2] = titleTf | (textTf << 16);
    if (titleTf > 0) this.titleDf++;
    if (textTf > 0) this.textDf++;
  }

  /** Marks one entry of a removed row stale; drops the stale ones once they are half the list. */
  retire(inTitle: boolean, inText: boolean, rowVersion: Int32Array): void {
    if (inTitle) this.titleDf--;
    if (inText) this.textDf--;
    if (++this.stale * 2 > this.length) this.compact(rowVersion);
  }

  get empty(): boolean {
    return this.titleDf === 0 && this.textDf === 0;
  }

  private compact(rowVersion: Int32Array): void {
    const data = this.data;
    let kept = 0;
    for (let at = 0; at < this.length * STRIDE; at += STRIDE) {
      if (data[at + 1] !== rowVersion[data[at]!]) continue;
      data.copyWithin(kept * STRIDE, at, at + STRIDE);
      kept++;
    }
    this.length = kept;
    this.stale = 0;
    if (kept * 4 * STRIDE < data.length && data.length > 16 * STRIDE) this.data = resized(data, Math.max(2, kept * 2) * STRIDE);
  }
}
