import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listArticleFiles, parseArticle } from "../../services/kb/articles.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const article = (frontmatter: string, body = "# Body\n\nSome text.") => Buffer.from(`---\n${frontmatter}\n---\n${body}\n`);

describe("parseArticle", () => {
  it("reads the frontmatter and adds the first folder as a category", () => {
    const parsed = parseArticle(
      "indicators/atr.md",
      article('title: "ATR"\nurl: https://x.example/atr\ncategories: [Risk Management, indicators]\nrelevance_score: 0.8\nscraped_at: "2026-10-01T00:00:00Z"'),
    );
    expect(parsed).toMatchObject({
      ok: true,
      article: {
        path: "indicators/atr.md",
        title: "ATR",
        url: "https://x.example/atr",
        categories: ["indicators", "risk-management"],
        relevanceScore: 0.8,
        scrapedAt: "2026-10-01T00:00:00Z",
        body: "# Body\n\nSome text.",
      },
    });
  });

  it("accepts categories as a comma-separated string", () => {
    const parsed = parseArticle("a.md", article("title: A\nurl: https://x.example/a\ncategories: \"strategies, backtesting ,\""));
    expect(parsed.ok && parsed.article.categories).toEqual(["strategies", "backtesting"]);
  });

  it("gives a reason for each kind of malformed file", () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from("# no frontmatter"), /no YAML frontmatter/],
      [article("title: [unclosed\nurl: x"), /not valid YAML/],
      [article("url: https://x.example/a"), /frontmatter title/],
      [article("title: A\nurl: not-a-url"), /frontmatter url/],
      [article("title: A\nurl: javascript:alert(1)"), /frontmatter url/],
      [article("title: A\nurl: https://x.example\nrelevance_score: 7"), /frontmatter relevance_score/],
      [article("title: A\nurl: https://x.example", ""), /no body/],
      [Buffer.concat([article("title: A\nurl: https://x.example"), Buffer.from([0xff, 0xfe])]), /UTF-8/],
    ];
    for (const [bytes, reason] of cases) {
      const parsed = parseArticle("a.md", bytes);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(reason);
    }
  });

  it("hashes the bytes: any change changes the hash", () => {
    const a = parseArticle("a.md", article("title: A\nurl: https://x.example"));
    const b = parseArticle("a.md", article("title: A\nurl: https://x.example", "# Body\n\nSome text!"));
    expect(a.ok && b.ok && a.article.contentHash !== b.article.contentHash).toBe(true);
  });
});

describe("listArticleFiles", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
    await mkdir(path.join(temp.dir, "root/b/deep"), { recursive: true });
    await mkdir(path.join(temp.dir, "root/.hidden"), { recursive: true });
    await writeFile(path.join(temp.dir, "root/z.md"), "x");
    await writeFile(path.join(temp.dir, "root/b/deep/a.markdown"), "x");
    await writeFile(path.join(temp.dir, "root/b/notes.txt"), "x");
    await writeFile(path.join(temp.dir, "root/.hidden/h.md"), "x");
    await writeFile(path.join(temp.dir, "outside.md"), "x");
    await symlink(path.join(temp.dir, "outside.md"), path.join(temp.dir, "root/link.md"));
  });
  afterAll(() => temp.remove());

  it("lists Markdown files, sorted, skipping hidden entries and symbolic links", async () => {
    expect(await listArticleFiles(path.join(temp.dir, "root"))).toEqual(["b/deep/a.markdown", "z.md"]);
  });
});
