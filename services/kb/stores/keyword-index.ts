/**
 * The embedded store's full-text index: BM25 over each chunk's title and text, one document per
 * chunk, keyed by the chunk's PointTable row, answering "the best chunk of each of the top k
 * articles" directly.
 *
 * Why our own index rather than a library (the house rule is a well-kept library for a solved
 * problem, and this replaced MiniSearch 7.2.0): at 20,000 chunks a typical query shares a term
 * with 4,500-6,500 chunks, and MiniSearch, which has no top-k, builds a result object for each
 * (~3 us apiece): 8-12 ms a query in process, against a 5 ms end-to-end target through MCP over
 * HTTP whose transport alone takes ~4.5 ms on this machine. One MiniSearch document per article
 * instead still took 1.6 ms p50 (1,181 articles, ~800 matching; bench/RESULTS.md, issue 15).
 * Here a query walks flat typed-array postings, adds into a Float64Array and keeps the best
 * chunk per article, allocating nothing per matching chunk. No other full-text library is
 * installed.
 *
 * The scores are MiniSearch's, computed the same way (so rankings did not change with the
 * switch): per query term (repeats counted again) and field, BM25+ with k = 1.2, b = 0.7,
 * d = 0.5, document frequencies and average field lengths over the whole collection, field
 * length = the field's number of distinct terms, the title weighted TITLE_BOOST; the sum is then
 * multiplied by the number of distinct query terms the chunk matched.
 *
 * Not persisted: it is rebuilt from the chunk texts in the points file on load. At 20,000
 * chunks that takes ~0.85 s (0.3-0.4 s of it tokenising) against ~0.4-0.5 s for MiniSearch to
 * parse its saved JSON, but it saves writing and checksumming a 9 MB file on every save, and
 * no saved index can disagree with the points.
 */
import { compareStrings } from "./compare-strings.js";
import { keywordTerms } from "../keywords.js";

/** The chunk text carries the title as its first line already; a match there counts a bit more. */
export const TITLE_BOOST = 2;
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;

/** What the index needs to know of a chunk. */
export interface KeywordChunk {
  path: string;
  chunkIndex: number;
  title: string;
  text: string;
}

/** The best chunk of one article: its row and BM25 score (higher is better, within one query). */
export interface KeywordHit {
  readonly row: number;
  readonly score: number;
}

/**
 * The chunks holding one term, one entry of STRIDE int32s each: row, the row's version when
 * the entry was added (an entry of an older version is stale), and the title and text term
 * frequencies packed in 16 bits each. One typed array per term: tens of thousands of terms.
 */
const STRIDE = 3;
class Postings {
  data = new Int32Array(STRIDE * 2);
  /** Entries in use, stale ones included. */
  length = 0;
  /** Live chunks with the term in their title / text. */
  titleDf = 0;
  textDf = 0;
  /** Stale entries, dropped by compact() once they are half the list. */
  stale = 0;

  constructor(readonly term: string) {}

  push(row: number, version: number, titleTf: number, textTf: number): void {
    if ((this.length + 1) * STRIDE > this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const at = this.length++ * STRIDE;
    this.data[at] = row;
    this.data[at + 1] = version;
    this.data[at + 2] = titleTf | (textTf << 16);
    if (titleTf > 0) this.titleDf++;
    if (textTf > 0) this.textDf++;
  }

  compact(rowVersion: Int32Array): void {
    const data = this.data;
    let kept = 0;
    for (let at = 0; at < this.length * STRIDE; at += STRIDE) {
      if (data[at + 1] !== rowVersion[data[at]!]) continue;
      data.copyWithin(kept * STRIDE, at, at + STRIDE);
      kept++;
    }
    this.length = kept;
    this.stale = 0;
    if (kept * 4 * STRIDE < data.length && data.length > 16 * STRIDE) this.data = data.slice(0, Math.max(2, kept * 2) * STRIDE);
  }
}

/** What a live row holds, to undo it on removal. */
interface RowEntry {
  postings: Postings[];
  /** Per posting: 1 if the term is in the title, | 2 if in the text. */
  fields: number[];
  titleLength: number;
  textLength: number;
  article: number;
}

/** Term frequencies of one field; its length for BM25 is the number of distinct terms. */
function frequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of keywordTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** Term frequencies are stored in 16 bits; a chunk never repeats a term that often, but clamp. */
const clampTf = (tf: number): number => Math.min(tf, 0xffff);

export class KeywordIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly entries: (RowEntry | undefined)[] = [];
  private rowVersion = new Int32Array(1024);
  /** Per row: its title's and text's number of distinct terms (BM25's field lengths). */
  private titleLength = new Uint32Array(1024);
  private textLength = new Uint32Array(1024);
  /** Per row: its article's number and its chunk index. */
  private rowArticle = new Int32Array(1024);
  private rowChunk = new Int32Array(1024);
  private live = 0;
  private titleLengthSum = 0;
  private textLengthSum = 0;
  /** Article numbers, so a query groups chunks through typed arrays instead of a Map of paths. */
  private readonly articleOfPath = new Map<string, number>();
  private readonly articlePaths: string[] = [];
  private readonly articleChunks: number[] = [];
  private readonly freeArticles: number[] = [];
  // Per-query scratch, reused: indexed by row, then by article.
  private rowScore = new Float64Array(1024);
  private rowMatched = new Uint32Array(1024);
  private rowStamp = new Uint32Array(1024);
  private touched = new Int32Array(1024);
  private articleBest = new Float64Array(256);
  private articleRow = new Int32Array(256);
  private articleStamp = new Uint32Array(256);
  private articlesTouched = new Int32Array(256);
  private stamp = 0;

  static create(): KeywordIndex {
    return new KeywordIndex();
  }

  /** Number of indexed chunks. */
  get size(): number {
    return this.live;
  }

  has(row: number): boolean {
    return this.entries[row] !== undefined;
  }

  /** Indexes the chunk in `row`, replacing whatever the row held. */
  set(row: number, chunk: KeywordChunk): void {
    if (!Number.isInteger(row) || row < 0) throw new RangeError(`keyword index row must be an integer >= 0, got ${row}`);
    this.remove(row);
    this.ensureRows(row + 1);
    const title = frequencies(chunk.title);
    const text = frequencies(chunk.text);
    const entry: RowEntry = {
      postings: [],
      fields: [],
      titleLength: title.size,
      textLength: text.size,
      article: this.articleFor(chunk.path),
    };
    const version = this.rowVersion[row]!;
    const add = (term: string, titleTf: number, textTf: number): void => {
      let postings = this.postings.get(term);
      if (!postings) this.postings.set(term, (postings = new Postings(term)));
      postings.push(row, version, titleTf, textTf);
      entry.postings.push(postings);
      entry.fields.push((titleTf > 0 ? 1 : 0) | (textTf > 0 ? 2 : 0));
    };
    for (const [term, tf] of text) add(term, clampTf(title.get(term) ?? 0), clampTf(tf));
    for (const [term, tf] of title) if (!text.has(term)) add(term, clampTf(tf), 0);
    this.entries[row] = entry;
    this.titleLength[row] = entry.titleLength;
    this.textLength[row] = entry.textLength;
    this.rowArticle[row] = entry.article;
    this.rowChunk[row] = chunk.chunkIndex;
    this.live++;
    this.titleLengthSum += entry.titleLength;
    this.textLengthSum += entry.textLength;
  }

  /** Drops the chunk in `row`, if any. */
  remove(row: number): void {
    const entry = this.entries[row];
    if (!entry) return;
    this.entries[row] = undefined;
    // Every posting of the row's old version goes stale at once.
    this.rowVersion[row] = (this.rowVersion[row]! + 1) | 0;
    entry.postings.forEach((postings, i) => {
      postings.titleDf -= entry.fields[i]! & 1;
      postings.textDf -= entry.fields[i]! >> 1;
      postings.stale++;
      if (postings.titleDf === 0 && postings.textDf === 0) this.postings.delete(postings.term);
      else if (postings.stale * 2 > postings.length) postings.compact(this.rowVersion);
    });
    this.live--;
    this.titleLengthSum -= entry.titleLength;
    this.textLengthSum -= entry.textLength;
    this.releaseArticle(entry.article);
  }

  /**
   * The best chunk of each of the `limit` articles scoring highest for `query`, best first (ties
   * by path, and within an article by the earlier chunk); with `keep`, only rows it accepts. The
   * statistics stay those of the whole collection, so a kept row scores the same either way.
   */
  search(query: string, limit: number, keep?: (row: number) => boolean): KeywordHit[] {
    if (limit <= 0 || this.live === 0) return [];
    const terms = keywordTerms(query);
    if (terms.length === 0) return [];
    const stamp = this.nextStamp();
    const { rowScore, rowMatched, rowStamp, rowVersion, titleLength, textLength } = this;
    const n = this.live;
    const avgTitle = this.titleLengthSum / n;
    const avgText = this.textLengthSum / n;
    let touchedCount = 0;
    const seen = new Set<string>();
    for (const term of terms) {
      const postings = this.postings.get(term);
      // A repeated query term scores again (as in MiniSearch) but counts once as matched.
      const first = !seen.has(term);
      seen.add(term);
      if (!postings) continue;
      const idfTitle = Math.log(1 + (n - postings.titleDf + 0.5) / (postings.titleDf + 0.5));
      const idfText = Math.log(1 + (n - postings.textDf + 0.5) / (postings.textDf + 0.5));
      const { data } = postings;
      const end = postings.length * STRIDE;
      // The hot loop of a search (a common term has thousands of entries): typed arrays only.
      for (let at = 0; at < end; at += STRIDE) {
        const row = data[at]!;
        if (data[at + 1] !== rowVersion[row]) continue;
        const tfs = data[at + 2]!;
        let score = 0;
        const tt = tfs & 0xffff;
        if (tt > 0) score = TITLE_BOOST * (idfTitle * (DELTA + (tt * (K1 + 1)) / (tt + K1 * (1 - B + (B * titleLength[row]!) / avgTitle))));
        const xt = tfs >>> 16;
        if (xt > 0) score += idfText * (DELTA + (xt * (K1 + 1)) / (xt + K1 * (1 - B + (B * textLength[row]!) / avgText)));
        if (rowStamp[row] !== stamp) {
          rowStamp[row] = stamp;
          rowScore[row] = score;
          rowMatched[row] = first ? 1 : 0;
          this.touched[touchedCount++] = row;
        } else {
          rowScore[row]! += score;
          if (first) rowMatched[row]!++;
        }
      }
    }
    return this.bestPerArticle(touchedCount, stamp, limit, keep);
  }

  /** Groups the touched rows to the best chunk per article and returns the top `limit`. */
  private bestPerArticle(touchedCount: number, stamp: number, limit: number, keep?: (row: number) => boolean): KeywordHit[] {
    const { articleBest, articleRow, articleStamp, articlesTouched } = this;
    let articles = 0;
    const { touched, rowScore, rowMatched, rowArticle, rowChunk } = this;
    for (let t = 0; t < touchedCount; t++) {
      const row = touched[t]!;
      if (keep && !keep(row)) continue;
      const score = rowScore[row]! * rowMatched[row]!;
      const article = rowArticle[row]!;
      if (articleStamp[article] !== stamp) {
        articleStamp[article] = stamp;
        articleBest[article] = score;
        articleRow[article] = row;
        articlesTouched[articles++] = article;
      } else if (score > articleBest[article]! || (score === articleBest[article]! && rowChunk[row]! < rowChunk[articleRow[article]!]!)) {
        articleBest[article] = score;
        articleRow[article] = row;
      }
    }
    // Keep the top `limit` in a small sorted array: a few hundred articles match, a handful are wanted.
    const top: number[] = [];
    const before = (a: number, b: number): boolean =>
      articleBest[a]! > articleBest[b]! ||
      (articleBest[a] === articleBest[b] && compareStrings(this.articlePaths[a]!, this.articlePaths[b]!) < 0);
    for (let i = 0; i < articles; i++) {
      const article = articlesTouched[i]!;
      if (top.length === limit && !before(article, top[limit - 1]!)) continue;
      let at = top.length === limit ? limit - 1 : top.length;
      if (top.length < limit) top.push(article);
      while (at > 0 && before(article, top[at - 1]!)) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = article;
    }
    return top.map((article) => ({ row: articleRow[article]!, score: articleBest[article]! }));
  }

  private nextStamp(): number {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      // Wrapped after 2^32 queries: clear the stamps so none matches by accident.
      this.rowStamp.fill(0);
      this.articleStamp.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private articleFor(path: string): number {
    let article = this.articleOfPath.get(path);
    if (article === undefined) {
      article = this.freeArticles.pop() ?? this.articlePaths.length;
      this.articleOfPath.set(path, article);
      this.articlePaths[article] = path;
      this.articleChunks[article] = 0;
      if (article >= this.articleBest.length) this.growArticles(article + 1);
    }
    this.articleChunks[article]!++;
    return article;
  }

  private releaseArticle(article: number): void {
    if (--this.articleChunks[article]! > 0) return;
    this.articleOfPath.delete(this.articlePaths[article]!);
    this.freeArticles.push(article);
  }

  private ensureRows(count: number): void {
    if (count <= this.rowVersion.length) return;
    let capacity = this.rowVersion.length;
    while (capacity < count) capacity *= 2;
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(capacity);
      b.set(a);
      return b;
    };
    this.rowVersion = grow(this.rowVersion, Int32Array);
    this.titleLength = grow(this.titleLength, Uint32Array);
    this.textLength = grow(this.textLength, Uint32Array);
    this.rowArticle = grow(this.rowArticle, Int32Array);
    this.rowChunk = grow(this.rowChunk, Int32Array);
    this.rowScore = grow(this.rowScore, Float64Array);
    this.rowMatched = grow(this.rowMatched, Uint32Array);
    this.rowStamp = grow(this.rowStamp, Uint32Array);
    this.touched = grow(this.touched, Int32Array);
  }

  private growArticles(count: number): void {
    let capacity = this.articleBest.length;
    while (capacity < count) capacity *= 2;
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(capacity);
      b.set(a);
      return b;
    };
    this.articleBest = grow(this.articleBest, Float64Array);
    this.articleRow = grow(this.articleRow, Int32Array);
    this.articleStamp = grow(this.articleStamp, Uint32Array);
    this.articlesTouched = grow(this.articlesTouched, Int32Array);
  }
}
