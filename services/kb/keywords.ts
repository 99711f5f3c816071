/**
 * Keyword terms for BM25 search, shared by the embedded store's full-text index and Qdrant's
 * sparse vectors, so both backends match the same words.
 *
 * Identifiers stay whole, lower-cased (`ORDER_FILLING_FOK` -> `order_filling_fok`, `OrderSend`
 * -> `ordersend`, `10030`), so an exact look-up hits exactly; their parts are added too
 * (`order`, `filling`, `fok`; `order`, `send`), so "order send" or "filling mode" still finds
 * them. Plain words are lower-cased and lightly de-pluralised ("stops" -> "stop"); a short list
 * of English function words is dropped, since they only add noise to the scores.
 */

const STOP_WORDS = new Set(
  ("a an and are as at be but by can do does for from has have how i if in into is it its of on or " +
    "so than that the their then there these this to was what when where which while who why will with you your")
    .split(" "),
);

/** Longest term kept; longer runs (hashes, base64) are not words anyone searches by. */
const MAX_TERM = 64;

// Character classes. The scanner below is hand-written rather than regex-driven: the indexer
// runs it over every chunk, and per-word Unicode regexes made it the slowest step of a
// static-embedder index run (0.3 ms a chunk).
const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const UNDERSCORE = 4;

const NON_ASCII_LETTER = /\p{L}/u;
const NON_ASCII_DIGIT = /\p{N}/u;

function classOf(code: number, char: string): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code === 95) return UNDERSCORE;
  if (code < 128) return OTHER;
  if (NON_ASCII_LETTER.test(char)) return char.toLowerCase() !== char ? UPPER : LOWER;
  return NON_ASCII_DIGIT.test(char) ? DIGIT : OTHER;
}

/** "stops" -> "stop", "strategies" -> "strategy"; leaves "loss", "status", "analysis" alone. */
function singular(word: string): string {
  const n = word.length;
  if (n > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (n > 3 && word.charCodeAt(n - 1) === 115) {
    const before = word.charCodeAt(n - 2);
    // not ...ss, ...us, ...is
    if (before !== 115 && before !== 117 && before !== 105) return word.slice(0, -1);
  }
  return word;
}

/**
 * Splits an identifier at `_`, lower->Upper (`OrderSend`), UPPER->Upper+lower (`CTrade`) and
 * letter<->digit; `classes` holds each character's class.
 */
function identifierParts(word: string, classes: number[]): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= word.length; i++) {
    const prev = classes[i - 1]!;
    const cur = i < word.length ? classes[i]! : OTHER;
    const boundary =
      i === word.length ||
      cur === UNDERSCORE ||
      prev === UNDERSCORE ||
      (prev === LOWER && cur === UPPER) ||
      (prev === UPPER && cur === UPPER && i + 1 < word.length && classes[i + 1] === LOWER) ||
      ((prev === DIGIT) !== (cur === DIGIT) && prev !== UNDERSCORE && cur !== UNDERSCORE);
    if (!boundary) continue;
    if (prev !== UNDERSCORE && i > start) parts.push(word.slice(start, i));
    start = cur === UNDERSCORE ? i + 1 : i;
  }
  return parts;
}

/** The terms of `text`, in order, repeats kept (BM25 counts them). */
export function keywordTerms(text: string): string[] {
  const terms: string[] = [];
  const classes: number[] = [];
  let start = -1;
  let identifier = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    let cls = OTHER;
    let width = 1;
    if (i < n) {
      const code = text.charCodeAt(i);
      if (code < 128) cls = classOf(code, "");
      else {
        const char = String.fromCodePoint(text.codePointAt(i)!);
        width = char.length;
        cls = classOf(code, char);
      }
    }
    if (cls === OTHER) {
      if (start >= 0 && i - start <= MAX_TERM) addWord(terms, text.slice(start, i), identifier, classes);
      start = -1;
      identifier = false;
      classes.length = 0;
      i += width - 1;
      continue;
    }
    if (start < 0) start = i;
    // An identifier has an underscore, a digit, or a capital after its first character.
    else if (cls === UPPER) identifier = true;
    if (cls === UNDERSCORE || cls === DIGIT) identifier = true;
    // A surrogate pair is one class for two code units; keep classes aligned with string indices.
    for (let k = 0; k < width; k++) classes.push(cls);
    i += width - 1;
  }
  return terms;
}

function addWord(terms: string[], word: string, identifier: boolean, classes: number[]): void {
  const lower = word.toLowerCase();
  if (!identifier) {
    if (!STOP_WORDS.has(lower)) terms.push(singular(lower));
    return;
  }
  terms.push(lower);
  const parts = identifierParts(word, classes);
  if (parts.length < 2) return;
  for (const part of parts) {
    const p = part.toLowerCase();
    if (p.length >= 2 && !STOP_WORDS.has(p)) terms.push(classes[word.indexOf(part)] === DIGIT ? p : singular(p));
  }
}
