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

/** Runs of letters, digits and underscores: `ORDER_FILLING_FOK`, `iMA`, `10030`, `OnTick`. */
const WORD = /[\p{L}\p{N}_]+/gu;
/** Boundaries inside an identifier: lower->Upper (`OrderSend`), UPPER->Upper+lower (`CTrade`), letter<->digit. */
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/** Longest term kept; longer runs (hashes, base64) are not words anyone searches by. */
const MAX_TERM = 64;

function isIdentifier(word: string): boolean {
  return word.includes("_") || /\p{N}/u.test(word) || /.\p{Lu}/u.test(word);
}

/** "stops" -> "stop", "strategies" -> "strategy"; leaves "loss", "status", "analysis" alone. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The terms of `text`, in order, repeats kept (BM25 counts them). */
export function keywordTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.matchAll(WORD)) {
    if (word.length > MAX_TERM) continue;
    const lower = word.toLowerCase();
    if (!isIdentifier(word)) {
      if (!STOP_WORDS.has(lower)) terms.push(singular(lower));
      continue;
    }
    terms.push(lower);
    const parts = word.split("_").flatMap((part) => part.split(CAMEL));
    if (parts.length < 2) continue;
    for (const part of parts) {
      const p = part.toLowerCase();
      if (p.length >= 2 && !STOP_WORDS.has(p)) terms.push(/\p{N}/u.test(p) ? p : singular(p));
    }
  }
  return terms;
}
