import MiniSearch from "minisearch";
import { describe, expect, it } from "vitest";
import { keywordTerms } from "../../../services/kb/keywords.js";
import { KeywordIndex, TITLE_BOOST, type KeywordChunk } from "../../../services/kb/stores/keyword-index.js";
import { nextStamp } from "../../../services/kb/stores/keyword-postings.js";

/** A small seeded generator, so every run builds the same corpus. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ["OrderSend", "ORDER_FILLING_FOK", "iMA", "CTrade", "10030", "stop", "stops", "loss", "trailing", "breakout",
  "risk", "equity", "drawdown", "spread", "slippage", "tick", "symbol", "filling", "order", "position", "indicator", "buffer"];

function randomChunk(next: () => number, articles: number): KeywordChunk {
  const pick = () => WORDS[Math.floor(next() * WORDS.length)]!;
  const path = `a${Math.floor(next() * articles)}.md`;
  return {
    path,
    chunkIndex: Math.floor(next() * 4),
    title: Array.from({ length: 1 + Math.floor(next() * 3) }, pick).join(" "),
    text: Array.from({ length: 3 + Math.floor(next() * 40) }, pick).join(" "),
  };
}

/**
 * The oracle: what the store did before this index, MiniSearch 7.2.0 with one document per chunk
 * and the same options, then the best chunk per article (earlier chunk on ties), score desc then path.
 */
function miniSearchTop(chunks: Map<number, KeywordChunk>, query: string, limit: number): { row: number; score: number }[] {
  const search = new MiniSearch<{ id: number; title: string; text: string }>({
    fields: ["title", "text"],
    tokenize: keywordTerms,
    processTerm: (term) => term,
  });
  for (const [row, chunk] of chunks) search.add({ id: row, title: chunk.title, text: chunk.text });
  const best = new Map<string, { row: number; score: number }>();
  for (const { id, score } of search.search(query, { boost: { title: TITLE_BOOST }, prefix: false, fuzzy: false, combineWith: "OR" })) {
    const chunk = chunks.get(id as number)!;
    const current = best.get(chunk.path);
    if (!current || score > current.score || (score === current.score && chunk.chunkIndex < chunks.get(current.row)!.chunkIndex)) {
      best.set(chunk.path, { row: id as number, score });
    }
  }
  return [...best.entries()]
    .sort(([pa, a], [pb, b]) => b.score - a.score || (pa < pb ? -1 : pa > pb ? 1 : 0))
    .slice(0, limit)
    .map(([, hit]) => hit);
}

function expectSameRanking(actual: { row: number; score: number }[], expected: { row: number; score: number }[]): void {
  expect(actual.map((h) => h.row)).toEqual(expected.map((h) => h.row));
  actual.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 9));
}

const QUERIES = ["OrderSend", "order send", "ORDER_FILLING_FOK fok", "trailing stops loss", "error 10030", "iMA indicator buffer", "risk risk equity"];

describe("KeywordIndex", () => {
  it("ranks and scores like MiniSearch per chunk grouped per article, through replacements and removals", () => {
    const next = rng(3);
    const index = KeywordIndex.create();
    const chunks = new Map<number, KeywordChunk>();
    for (let row = 0; row < 400; row++) {
      const chunk = randomChunk(next, 60);
      index.set(row, chunk);
      chunks.set(row, chunk);
    }
    for (const query of QUERIES) expectSameRanking(index.search(query, 20), miniSearchTop(chunks, query, 20));
    // Rewrite rows in place (stale postings, compaction) and remove others (document frequencies, lengths).
    for (let i = 0; i < 1500; i++) {
      const row = Math.floor(next() * 400);
      if (next() < 0.3) {
        index.remove(row);
        chunks.delete(row);
      } else {
        const chunk = randomChunk(next, 60);
        index.set(row, chunk);
        chunks.set(row, chunk);
      }
    }
    expect(index.size).toBe(chunks.size);
    for (const query of QUERIES) expectSameRanking(index.search(query, 20), miniSearchTop(chunks, query, 20));
  });

  it("returns one hit per article, its best chunk, the earlier chunk on equal scores, articles tied by path", () => {
    const index = KeywordIndex.create();
    index.set(0, { path: "b.md", chunkIndex: 0, title: "", text: "CopyBuffer once among other words here" });
    index.set(1, { path: "b.md", chunkIndex: 1, title: "", text: "CopyBuffer CopyBuffer" });
    index.set(2, { path: "a.md", chunkIndex: 3, title: "", text: "CopyBuffer CopyBuffer" });
    index.set(3, { path: "a.md", chunkIndex: 2, title: "", text: "CopyBuffer CopyBuffer" });
    const hits = index.search("CopyBuffer", 5);
    // a.md and b.md tie (identical best chunks): path order; a.md's tie goes to chunk 2 (row 3).
    expect(hits.map((h) => h.row)).toEqual([3, 1]);
    expect(hits[0]!.score).toBe(hits[1]!.score);
    expect(index.search("CopyBuffer", 1).map((h) => h.row)).toEqual([3]);
  });

  it("a kept subset scores exactly as it does unfiltered", () => {
    const next = rng(8);
    const index = KeywordIndex.create();
    for (let row = 0; row < 300; row++) index.set(row, randomChunk(next, 80));
    const keep = (row: number) => row % 3 === 0;
    for (const query of QUERIES) {
      const all = index.search(query, 300).filter((h) => keep(h.row));
      const filtered = index.search(query, 300, keep);
      // Unfiltered, an article's best chunk may be one the filter drops: compare articles whose best chunk is kept.
      const filteredRows = new Map(filtered.map((h) => [h.row, h.score]));
      for (const hit of all) expect(filteredRows.get(hit.row)).toBe(hit.score);
      expect(filtered.every((h) => keep(h.row))).toBe(true);
    }
  });

  it("forgets removed chunks and articles, and finds nothing for stop words, unknown terms or limit 0", () => {
    const index = KeywordIndex.create();
    index.set(5, { path: "x.md", chunkIndex: 0, title: "Fill policy", text: "ORDER_FILLING_FOK only" });
    index.set(9, { path: "y.md", chunkIndex: 0, title: "Requests", text: "OrderSend a request" });
    expect(index.search("fok", 5).map((h) => h.row)).toEqual([5]);
    expect(index.search("what is the", 5)).toEqual([]);
    expect(index.search("volatility", 5)).toEqual([]);
    expect(index.search("OrderSend", 0)).toEqual([]);
    index.remove(5);
    index.remove(5); // twice is harmless
    expect(index.has(5)).toBe(false);
    expect(index.size).toBe(1);
    expect(index.search("fok", 5)).toEqual([]);
    // The row is free for another article, and the removed article's number is reused safely.
    index.set(5, { path: "z.md", chunkIndex: 1, title: "", text: "fok again" });
    expect(index.search("fok", 5)).toEqual([{ row: 5, score: expect.any(Number) }]);
    index.remove(9);
    index.remove(5);
    expect(index.size).toBe(0);
    expect(index.search("fok OrderSend", 5)).toEqual([]);
  });

  it("refuses a row that is not a non-negative integer", () => {
    const index = KeywordIndex.create();
    const chunk = { path: "x.md", chunkIndex: 0, title: "", text: "x" };
    expect(() => index.set(-1, chunk)).toThrow(/row must be an integer >= 0, got -1/);
    expect(() => index.set(1.5, chunk)).toThrow(RangeError);
    expect(index.size).toBe(0);
  });

  it("grows past its initial row and article capacity", () => {
    const index = KeywordIndex.create();
    for (let row = 0; row < 3000; row += 1) index.set(row, { path: `p${row}.md`, chunkIndex: 0, title: "", text: row === 2999 ? "needle" : "hay" });
    expect(index.search("needle", 3).map((h) => h.row)).toEqual([2999]);
    expect(index.search("hay", 3000)).toHaveLength(2999);
  });
});

describe("nextStamp (the per-query scratch arrays' stamps)", () => {
  it("counts up, and on wrap-around clears the stamps so no old entry matches the new stamp", () => {
    const stamps = Uint32Array.from([3, 0xffffffff, 7]);
    expect(nextStamp(41, stamps)).toBe(42);
    expect(Array.from(stamps)).toEqual([3, 0xffffffff, 7]);
    expect(nextStamp(0xffffffff, stamps)).toBe(1);
    expect(Array.from(stamps)).toEqual([0, 0, 0]);
  });
});
