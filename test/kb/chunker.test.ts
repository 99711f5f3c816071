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
    const paragraph = (p: string) => Array.from({ length: 8 }, (_, i) => `${p}${i}`).join(" ") + ".";
    const body = [paragraph("a"), paragraph("b"), paragraph("c")].join("\n\n");
    const chunks = chunkText(body, { maxTokens: 17, overlapTokens: 8, countTokens: countWords });
    expect(chunks).toEqual([`${paragraph("a")}\n\n${paragraph("b")}`, `${paragraph("b")}\n\n${paragraph("c")}`]);
  });

  it("splits an over-long word by characters rather than cutting text", () => {
    const countChars = (text: string) => text.length;
    const chunks = chunkText("x".repeat(50), { maxTokens: 20, countTokens: countChars });
    expect(chunks.length).toBe(3);
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
    expect(chunks.join("")).toBe("x".repeat(50));
  });

  it("shortens a heading that would crowd out the text, and refuses a tiny window", () => {
    const heading = Array.from({ length: 30 }, (_, i) => `h${i}`).join(" ");
    const chunks = chunkText("a b c d e f g h", { maxTokens: 16, heading, countTokens: countWords });
    expect(chunks[0]).toMatch(/^h0 h1 h2 h3…\n\na b c/);
    for (const chunk of chunks) expect(countWords(chunk)).toBeLessThanOrEqual(16);
    expect(() => chunkText("a b", { maxTokens: 8, countTokens: countWords })).toThrow(/below the minimum/);
  });

  it("property: every chunk fits, every word appears once in order, and overlaps stay within the budget", () => {
    // Unique words make the overlap between consecutive chunks unambiguous to measure.
    const body = fc
      .array(fc.array(fc.constantFrom("", ".", "!", "?"), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 })
      .map((paragraphs) => {
        let n = 0;
        return paragraphs.map((marks) => marks.map((mark) => `w${n++}${mark}`).join(" ")).join("\n\n");
      });
    fc.assert(
      fc.property(body, fc.integer({ min: 16, max: 60 }), fc.integer({ min: 0, max: 12 }), (text, maxTokens, overlap) => {
        const chunks = chunkText(text, { maxTokens, overlapTokens: overlap, heading: "T", countTokens: countWords });
        const seen: string[] = [];
        for (const chunk of chunks) {
          expect(countWords(chunk)).toBeLessThanOrEqual(maxTokens);
          const chunkWords = words(chunk).slice(1);
          const shared = seen.length === 0 ? 0 : chunkWords.indexOf(seen[seen.length - 1]!) + 1;
          expect(chunkWords.slice(0, shared)).toEqual(seen.slice(seen.length - shared));
          expect(shared).toBeLessThanOrEqual(overlap);
          seen.push(...chunkWords.slice(shared));
        }
        expect(seen).toEqual(words(text));
      }),
      { numRuns: 200 },
    );
  });
});
