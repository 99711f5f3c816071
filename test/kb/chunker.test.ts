import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkText } from "../../services/kb/chunker.js";

const countWords = (text: string) => (text.match(/\S+/g) ?? []).length;
const words = (text: string) => text.match(/\S+/g) ?? [];

describe("chunkText", () => {
  it("keeps a short body in one chunk, with the heading", () => {
    expect(chunkText("one two three", { maxTokens: 20, heading: "Title", countTokens: countWords })).toEqual([
      "Title\n\none two three",
    ]);
  });

  it("splits at paragraphs before sentences, and overlaps", () => {
    const body = ["a1 a2 a3 a4.", "b1 b2 b3 b4.", "c1 c2 c3 c4."].join("\n\n");
    const chunks = chunkText(body, { maxTokens: 9, overlapTokens: 4, countTokens: countWords });
    expect(chunks).toEqual(["a1 a2 a3 a4.\n\nb1 b2 b3 b4.", "b1 b2 b3 b4.\n\nc1 c2 c3 c4."]);
  });

  it("splits an over-long word by characters rather than cutting text", () => {
    const countChars = (text: string) => text.length;
    const chunks = chunkText("x".repeat(50), { maxTokens: 20, countTokens: countChars });
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
    expect(chunks.join("")).toBe("x".repeat(50));
  });

  it("refuses a window too small for the heading", () => {
    expect(() => chunkText("a b", { maxTokens: 5, heading: "a long heading here", countTokens: countWords })).toThrow(
      /no room/,
    );
  });

  it("property: every chunk fits, and every word appears, in order", () => {
    const word = fc.stringMatching(/^[a-z]{1,8}[.!?]?$/);
    const paragraph = fc.array(word, { minLength: 1, maxLength: 40 }).map((ws) => ws.join(" "));
    const body = fc.array(paragraph, { minLength: 1, maxLength: 12 }).map((ps) => ps.join("\n\n"));
    fc.assert(
      fc.property(body, fc.integer({ min: 10, max: 60 }), fc.integer({ min: 0, max: 12 }), (text, maxTokens, overlap) => {
        const chunks = chunkText(text, { maxTokens, overlapTokens: overlap, heading: "T", countTokens: countWords });
        for (const chunk of chunks) expect(countWords(chunk)).toBeLessThanOrEqual(maxTokens);
        // Remove each chunk's overlap with the previous one, then the words must be the input's.
        const seen: string[] = [];
        for (const chunk of chunks) {
          const chunkWords = words(chunk).slice(1);
          let shared = Math.min(seen.length, chunkWords.length);
          while (shared > 0 && seen.slice(-shared).join(" ") !== chunkWords.slice(0, shared).join(" ")) shared--;
          seen.push(...chunkWords.slice(shared));
        }
        expect(seen).toEqual(words(text));
      }),
      { numRuns: 200 },
    );
  });
});
