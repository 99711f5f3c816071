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
const UNKNOWN_ID = 0;

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

  /** Token ids of `text` (NFKC-normalised, spaces as "▁", one leading "▁"), as the package encodes it. */
  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    if (normalized.length === 0) return [];
    const symbols = codePoints(SEPARATOR + normalized.replaceAll(" ", SEPARATOR));
    const n = symbols.length;
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    // The package builds the whole lattice, then visits the pieces ending at each position in
    // increasing start order. Relaxing forwards from each start in increasing order visits
    // them in that same order, with best[start] already final, so ties break identically.
    const relax = (end: number, id: number, score: number): void => {
      // The package's rule, ties and its "0 means unset" included.
      if (best[end] === 0 || score >= best[end]!) {
        best[end] = score;
        words[end] = id;
      }
    };
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      let node = this.root.children.get(symbols[start]!);
      let matched = false;
      for (let i = start; node; ) {
        if (node.id >= 0) {
          relax(i + 1, node.id, this.scores[node.id]! + base);
          matched = true;
        }
        i++;
        node = i < n ? node.children.get(symbols[i]!) : undefined;
      }
      // No piece starts here: one unknown symbol with score 0, as the package does.
      if (!matched) relax(start + 1, UNKNOWN_ID, base);
    }
    const reversed: number[] = [];
    let previousUnknown = false;
    for (let at = n; at > 0; ) {
      const id = words[at]!;
      if (!(previousUnknown && id === UNKNOWN_ID)) reversed.push(id);
      previousUnknown = id === UNKNOWN_ID;
      at -= this.pieceLengths[id]!;
    }
    return reversed.reverse();
  }
}
