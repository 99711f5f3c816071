/**
 * Splits an article body into chunks that fit the embedding model's input window, so no text
 * is ever cut off by the model. Splits prefer paragraph, then sentence, then word boundaries;
 * consecutive chunks share up to `overlapTokens` of trailing text for context.
 */
import { KbError } from "./errors.js";

export interface ChunkOptions {
  /** Largest chunk, in the embedder's tokens (the heading line included). */
  maxTokens: number;
  /** Tokens of trailing text repeated at the start of the next chunk; default 0. */
  overlapTokens?: number;
  /** Line prepended to every chunk (e.g. the title), so each chunk carries its context. */
  heading?: string;
  /** The embedder's token counter. */
  countTokens: (text: string) => number;
}

/** Smallest window the chunker accepts: room for a heading and some text. */
export const MIN_WINDOW = 16;

export class ChunkingError extends KbError {
  constructor(message: string) {
    super("CHUNKING_FAILED", message);
  }
}

/** The heading, cut at a word so it takes at most `budget` tokens: context must not crowd out content. */
function shortenHeading(heading: string, budget: number, countTokens: (text: string) => number): string {
  if (countTokens(`${heading}\n\n`) <= budget) return heading;
  const words = heading.split(/\s+/);
  while (words.length > 1 && countTokens(`${words.join(" ")}…\n\n`) > budget) words.pop();
  const short = `${words.join(" ")}…`;
  return countTokens(`${short}\n\n`) <= budget ? short : "";
}

/** Chunks `body`; every returned string satisfies `countTokens(chunk) <= maxTokens`. */
export function chunkText(body: string, options: ChunkOptions): string[] {
  const { maxTokens, countTokens } = options;
  if (maxTokens < MIN_WINDOW) throw new ChunkingError(`maxTokens ${maxTokens} is below the minimum of ${MIN_WINDOW}`);
  const heading = options.heading ? shortenHeading(options.heading, Math.floor(maxTokens / 4), countTokens) : "";
  const prefix = heading ? `${heading}\n\n` : "";
  const budget = maxTokens - (prefix ? countTokens(prefix) : 0);
  const overlap = Math.min(options.overlapTokens ?? 0, Math.floor(budget / 2));
  const fits = (text: string) => countTokens(prefix + text) <= maxTokens;

  const units = splitUntilFits(body.trim(), fits);
  const chunks: string[] = [];
  let current: Unit[] = [];
  for (const unit of units) {
    if (current.length > 0 && !fits(join([...current, unit]))) {
      chunks.push(join(current));
      current = overlapTail(current, overlap, countTokens);
      // The overlap is context, not content: drop it if it leaves no room for the next unit.
      while (current.length > 0 && !fits(join([...current, unit]))) current.shift();
    }
    current.push(unit);
  }
  if (current.length > 0) chunks.push(join(current));
  return chunks.map((chunk) => prefix + chunk);
}

/** A piece of the body and the separator that joins it to the piece before it. */
interface Unit {
  text: string;
  joiner: string;
}

const BOUNDARIES: { pattern: RegExp; joiner: string }[] = [
  { pattern: /\n\s*\n/, joiner: "\n\n" }, // paragraphs (a fenced code block is one too)
  { pattern: /\n/, joiner: "\n" }, // lines
  { pattern: /(?<=[.!?;:])\s+/, joiner: " " }, // sentences
  { pattern: /\s+/, joiner: " " }, // words
];

/** Splits `text` into units that each fit, trying coarser boundaries first. */
function splitUntilFits(text: string, fits: (text: string) => boolean, joiner = "", level = 0): Unit[] {
  if (text.length === 0) return [];
  if (fits(text)) return [{ text, joiner }];
  const boundary = BOUNDARIES[level];
  if (!boundary) return splitCharacters(text, fits, joiner);
  const parts = text.split(boundary.pattern).map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length <= 1) return splitUntilFits(text, fits, joiner, level + 1);
  return parts.flatMap((part, i) => splitUntilFits(part, fits, i === 0 ? joiner : boundary.joiner, level + 1));
}

/** Last resort for a single over-long token (a URL, a hash): the largest fitting prefixes. */
function splitCharacters(text: string, fits: (text: string) => boolean, joiner: string): Unit[] {
  const pieces: Unit[] = [];
  let rest = text;
  while (rest.length > 0) {
    let low = 1;
    let high = rest.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(rest.slice(0, mid))) low = mid;
      else high = mid - 1;
    }
    if (!fits(rest.slice(0, low))) throw new ChunkingError("a single character does not fit the token window");
    pieces.push({ text: rest.slice(0, low), joiner: pieces.length === 0 ? joiner : "" });
    rest = rest.slice(low);
  }
  return pieces;
}

function overlapTail(units: Unit[], overlapTokens: number, countTokens: (text: string) => number): Unit[] {
  const tail: Unit[] = [];
  for (let i = units.length - 1; i >= 0 && overlapTokens > 0; i--) {
    const candidate = [units[i]!, ...tail];
    if (countTokens(join(candidate)) > overlapTokens) break;
    tail.unshift(units[i]!);
  }
  return tail;
}

/** Joins units with their own separators; the first unit's separator is dropped. */
function join(units: Unit[]): string {
  return units.map((unit, i) => (i === 0 ? unit.text : unit.joiner + unit.text)).join("");
}
