/**
 * The keyword index's grouping step (keyword-index.ts): numbers articles, and turns a query's
 * scored chunks into the best chunk of each of the top `limit` articles, through typed arrays
 * indexed by article number rather than a Map of paths (thousands of chunks match a query).
 */
import { compareStrings } from "./compare-strings.js";
import { grownCapacity, nextStamp, resized } from "./keyword-postings.js";

/** The best chunk of one article: its row and score (higher is better, within one query). */
export interface RankedArticle {
  readonly row: number;
  readonly score: number;
}

export class ArticleRanker {
  private readonly numberOf = new Map<string, number>();
  private readonly paths: string[] = [];
  private readonly chunks: number[] = [];
  private readonly free: number[] = [];
  // Per-query scratch, indexed by article number; `stampOf` tells which entries this query set.
  private best = new Float64Array(256);
  private bestRow = new Int32Array(256);
  private stampOf = new Uint32Array(256);
  private touched = new Int32Array(256);
  private stamp = 0;

  /** The number of the article at `path`, which gains one chunk. */
  acquire(path: string): number {
    let article = this.numberOf.get(path);
    if (article === undefined) {
      article = this.free.pop() ?? this.paths.length;
      this.numberOf.set(path, article);
      this.paths[article] = path;
      this.chunks[article] = 0;
      if (article >= this.best.length) this.grow(article + 1);
    }
    this.chunks[article]!++;
    return article;
  }

  /** The article loses one chunk; with none left, its number is free for another path. */
  release(article: number): void {
    if (--this.chunks[article]! > 0) return;
    this.numberOf.delete(this.paths[article]!);
    this.free.push(article);
  }

  /**
   * The top `limit` articles among `rows[0, count)`, each with its best row: score desc, ties by
   * path; within an article the lower chunk index wins a tie. `score`, `articleOf` and `chunkOf`
   * are indexed by row; `keep` drops rows before grouping.
   */
  top(
    rows: Int32Array,
    count: number,
    score: Float64Array,
    articleOf: Int32Array,
    chunkOf: Int32Array,
    limit: number,
    keep?: (row: number) => boolean,
  ): RankedArticle[] {
    const stamp = (this.stamp = nextStamp(this.stamp, this.stampOf));
    const { best, bestRow, stampOf, touched } = this;
    let articles = 0;
    for (let i = 0; i < count; i++) {
      const row = rows[i]!;
      if (keep && !keep(row)) continue;
      const s = score[row]!;
      const article = articleOf[row]!;
      if (stampOf[article] !== stamp) {
        stampOf[article] = stamp;
        best[article] = s;
        bestRow[article] = row;
        touched[articles++] = article;
      } else if (s > best[article]! || (s === best[article]! && chunkOf[row]! < chunkOf[bestRow[article]!]!)) {
        best[article] = s;
        bestRow[article] = row;
      }
    }
    // A few hundred articles match, a handful are wanted: keep the top `limit` in a sorted array.
    const top: number[] = [];
    const before = (a: number, b: number): boolean =>
      best[a]! > best[b]! || (best[a] === best[b] && compareStrings(this.paths[a]!, this.paths[b]!) < 0);
    for (let i = 0; i < articles; i++) {
      const article = touched[i]!;
      if (top.length === limit && !before(article, top[limit - 1]!)) continue;
      let at = top.length === limit ? limit - 1 : top.length;
      if (top.length < limit) top.push(article);
      while (at > 0 && before(article, top[at - 1]!)) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = article;
    }
    return top.map((article) => ({ row: bestRow[article]!, score: best[article]! }));
  }


  private grow(needed: number): void {
    const capacity = grownCapacity(this.best.length, needed);
    this.best = resized(this.best, capacity);
    this.bestRow = resized(this.bestRow, capacity);
    this.stampOf = resized(this.stampOf, capacity);
    this.touched = resized(this.touched, capacity);
  }
}
