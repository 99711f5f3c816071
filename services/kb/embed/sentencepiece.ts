/**
 * A linear-time re-implementation of the USE-lite tokenizer (`@energetic-ai/embeddings`'
 * SentencePiece unigram Viterbi), giving the same token ids. The package's own encode() copies
 * the rest of the string at every character, so it is quadratic; the static embedder tokenizes
 * every chunk it embeds and cannot afford that. test/kb/embed/sentencepiece.test.ts checks the
 * ids against the package's tokenizer on the whole sample corpus.
 */

/** `[piece, log-probability]` in id order, as in the model package's vocab.json. */
export type Vocabulary = ReadonlyArray<readonly [string, number]>;

/** Ids below this are reserved (unknown, <s>, </s>, extras) and never matched as pieces. */
const RESERVED_SYMBOLS = 6;
const SEPARATOR = "\u2581";
const SEPARATOR_CODE = SEPARATOR.codePointAt(0)!;
const UNKNOWN_ID = 0;
const ASCII = /^\p{ASCII}*$/u;

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Vocabulary id of the piece ending here, or -1. */
  id: number;
}

const newNode = (): TrieNode => ({ children: new Map(), id: -1 });

function codePoints(text: string): Uint32Array {
  const out = new Uint32Array(text.length);
  let n = 0;
  for (const symbol of text) out[n++] = symbol.codePointAt(0)!;
  return out.subarray(0, n);
}

export class SentencePieceTokenizer {
  private readonly root = newNode();
  private readonly scores: Float64Array;
  /** UTF-16 length of each piece: the package steps back by it, and so must we to match. */
  private readonly pieceLengths: Int32Array;

  constructor(readonly vocabulary: Vocabulary) {
    this.scores = new Float64Array(vocabulary.length);
    this.pieceLengths = new Int32Array(vocabulary.length);
    vocabulary.forEach(([piece, score], id) => {
      this.scores[id] = score;
      this.pieceLengths[id] = piece.length;
      if (id < RESERVED_SYMBOLS) return;
      let node = this.root;
      for (const symbol of codePoints(piece)) {
        let next = node.children.get(symbol);
        if (!next) node.children.set(symbol, (next = newNode()));
        node = next;
      }
      node.id = id;
    });
  }

  // Working buffers, grown as needed and reused: the indexer tokenizes many short texts (the
  // chunker counts tokens of every candidate chunk), and fresh arrays per call made the garbage
  // collector the largest cost of a static-embedder index run.
  private symbols = new Uint32Array(1024);
  private best = new Float64Array(1025);
  private words = new Int32Array(1025);

  /** Token ids of `text` (NFKC-normalised, spaces as "▁", one leading "▁"), as the package encodes it. */
  encode(text: string): number[] {
    const n = this.lattice(text);
    const reversed: number[] = [];
    this.walkBack(n, (id) => reversed.push(id));
    return reversed.reverse();
  }

  /** The number of tokens encode(text) returns, without building the list. */
  count(text: string): number {
    let count = 0;
    this.walkBack(this.lattice(text), () => count++);
    return count;
  }

  /** Fills the Viterbi lattice for `text`; returns its length in symbols. */
  private lattice(text: string): number {
    // NFKC leaves ASCII unchanged; skipping it saves a copy of every ASCII text.
    const normalized = ASCII.test(text) ? text : text.normalize("NFKC");
    if (normalized.length === 0) return 0;
    const n = this.loadSymbols(normalized);
    const { symbols } = this;
    if (this.best.length < n + 1) {
      this.best = new Float64Array(2 * (n + 1));
      this.words = new Int32Array(2 * (n + 1));
    }
    const best = this.best;
    const words = this.words;
    best.fill(0, 0, n + 1);
    words.fill(0, 0, n + 1);
    // The package builds the whole lattice, then visits the pieces ending at each position in
    // increasing start order. Relaxing forwards from each start in increasing order visits
    // them in that same order, with best[start] already final, so ties break identically.
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      let node = this.root.children.get(symbols[start]!);
      let matched = false;
      for (let i = start; node; ) {
        if (node.id >= 0) {
          const score = this.scores[node.id]! + base;
          // The package's rule, ties and its "0 means unset" included.
          if (best[i + 1] === 0 || score >= best[i + 1]!) {
            best[i + 1] = score;
            words[i + 1] = node.id;
          }
          matched = true;
        }
        i++;
        node = i < n ? node.children.get(symbols[i]!) : undefined;
      }
      // No piece starts here: one unknown symbol with score 0, as the package does.
      if (!matched && (best[start + 1] === 0 || base >= best[start + 1]!)) {
        best[start + 1] = base;
        words[start + 1] = UNKNOWN_ID;
      }
    }
    return n;
  }

  /** Visits the chosen pieces from the end, merging runs of unknowns, as the package does. */
  private walkBack(n: number, visit: (id: number) => void): void {
    let previousUnknown = false;
    for (let at = n; at > 0; ) {
      const id = this.words[at]!;
      if (!(previousUnknown && id === UNKNOWN_ID)) visit(id);
      previousUnknown = id === UNKNOWN_ID;
      at -= this.pieceLengths[id]!;
    }
  }

  /** "▁" + text with spaces as "▁", as code points, into this.symbols; returns the count. */
  private loadSymbols(text: string): number {
    if (this.symbols.length < text.length + 1) this.symbols = new Uint32Array(2 * (text.length + 1));
    const symbols = this.symbols;
    symbols[0] = SEPARATOR_CODE;
    let n = 1;
    for (let i = 0; i < text.length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        code = text.codePointAt(i)!;
        if (code > 0xffff) i++;
      }
      symbols[n++] = code === 32 ? SEPARATOR_CODE : code;
    }
    return n;
  }
}
