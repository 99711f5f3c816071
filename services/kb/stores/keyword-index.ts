/**
 * The embedded store's full-text index: BM25 over each chunk's title and text, one document per
 * chunk, keyed by the chunk's PointTable row, answering "the best chunk of each of the top k
 * articles" directly.
 *
 * Why our own index rather than a library (the house rule is a well-kept library for a solved
 * problem, and this replaced MiniSearch 7.2.0): at 20,000 chunks a typical query shares a term
 * with 4,500-6,500 chunks, and MiniSearch, which has no top-k, builds a result object for each
 * (~3 us apiece): 8-12 ms a query in process, against a 5 ms end-to-end target through MCP over
 * HTTP whose own overhead is 3-4 ms on this machine. One MiniSearch document per article
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
 * Not persisted: it is rebuilt from the chunk texts in the points file on load, ~0.6 s at
 * 20,000 chunks (a third of it tokenising), which makes opening such a store ~0.4 s slower than
 * MiniSearch's saved JSON did; in exchange no 9 MB file is written and checksummed on every
 * save, and no saved index can disagree with the points.
 */
import { keywordTerms } from "../keywords.js";
import { ArticleRanker, type RankedArticle } from "./article-ranker.js";
import { grownCapacity, nextStamp, Postings, resized, STRIDE } from "./keyword-postings.js";

/** The chunk text carries the title as its first line already; a match there counts a bit more. */
export const TITLE_BOOST = 2;
// MiniSearch's BM25+ parameters.
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
export type KeywordHit = RankedArticle;

/** What a live row holds, to undo it on removal. */
interface RowEntry {
  postings: Postings[];
  /** Per posting: 1 if the term is in the title, | 2 if in the text. */
  fields: number[];
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
  private readonly articles = new ArticleRanker();
  private live = 0;
  private titleLengthSum = 0;
  private textLengthSum = 0;
  // Per row. The version makes every posting of a removed or rewritten row stale at once.
  private rowVersion = new Int32Array(1024);
  /** BM25's field lengths: the title's and the text's number of distinct terms. */
  private titleLength = new Uint32Array(1024);
  private textLength = new Uint32Array(1024);
  private rowArticle = new Int32Array(1024);
  private rowChunk = new Int32Array(1024);
  // Per-query scratch, per row: score, distinct query terms matched, which query set them.
  private rowScore = new Float64Array(1024);
  private rowMatched = new Uint32Array(1024);
  private rowStamp = new Uint32Array(1024);
  private touched = new Int32Array(1024);
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
    const entry: RowEntry = { postings: [], fields: [], article: this.articles.acquire(chunk.path) };
    const version = this.rowVersion[row]!;
    for (const [term, tf] of text) this.addPosting(entry, term, row, version, clampTf(title.get(term) ?? 0), clampTf(tf));
    for (const [term, tf] of title) if (!text.has(term)) this.addPosting(entry, term, row, version, clampTf(tf), 0);
    this.entries[row] = entry;
    this.titleLength[row] = title.size;
    this.textLength[row] = text.size;
    this.rowArticle[row] = entry.article;
    this.rowChunk[row] = chunk.chunkIndex;
    this.live++;
    this.titleLengthSum += title.size;
    this.textLengthSum += text.size;
  }

  /** Drops the chunk in `row`, if any. */
  remove(row: number): void {
    const entry = this.entries[row];
    if (!entry) return;
    this.entries[row] = undefined;
    this.rowVersion[row] = (this.rowVersion[row]! + 1) | 0;
    entry.postings.forEach((postings, i) => {
      postings.retire((entry.fields[i]! & 1) !== 0, (entry.fields[i]! & 2) !== 0, this.rowVersion);
      if (postings.empty) this.postings.delete(postings.term);
    });
    this.live--;
    this.titleLengthSum -= this.titleLength[row]!;
    this.textLengthSum -= this.textLength[row]!;
    this.articles.release(entry.article);
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
    const stamp = (this.stamp = nextStamp(this.stamp, this.rowStamp));
    const { rowScore, rowMatched, rowStamp, rowVersion, titleLength, textLength, touched } = this;
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
          touched[touchedCount++] = row;
        } else {
          rowScore[row]! += score;
          if (first) rowMatched[row]!++;
        }
      }
    }
    for (let i = 0; i < touchedCount; i++) rowScore[touched[i]!]! *= rowMatched[touched[i]!]!;
    return this.articles.top(touched, touchedCount, rowScore, this.rowArticle, this.rowChunk, limit, keep);
  }

  private addPosting(entry: RowEntry, term: string, row: number, version: number, titleTf: number, textTf: number): void {
    let postings = this.postings.get(term);
    if (!postings) this.postings.set(term, (postings = new Postings(term)));
    postings.push(row, version, titleTf, textTf);
    entry.postings.push(postings);
    entry.fields.push((titleTf > 0 ? 1 : 0) | (textTf > 0 ? 2 : 0));
  }


  private ensureRows(count: number): void {
    if (count <= this.rowVersion.length) return;
    const capacity = grownCapacity(this.rowVersion.length, count);
    this.rowVersion = resized(this.rowVersion, capacity);
    this.titleLength = resized(this.titleLength, capacity);
    this.textLength = resized(this.textLength, capacity);
    this.rowArticle = resized(this.rowArticle, capacity);
    this.rowChunk = resized(this.rowChunk, capacity);
    this.rowScore = resized(this.rowScore, capacity);
    this.rowMatched = resized(this.rowMatched, capacity);
    this.rowStamp = resized(this.rowStamp, capacity);
    this.touched = resized(this.touched, capacity);
  }
}
