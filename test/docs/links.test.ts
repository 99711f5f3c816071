/**
 * The README and docs/ link to each other: every relative link must reach a file that exists,
 * and every `#anchor` a heading in it (GitHub's slugs), so moving a section cannot leave a dead link.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f)),
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

function links(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

describe("documentation links", () => {
  it("finds the README and the docs", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["README.md", "docs/configuration.md", "docs/deploying.md", "docs/services/kb.md"]));
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("The `quantmind` CLI")).toBe("the-quantmind-cli");
    expect(slug("Promoting configuration: dev → testnet → prod")).toBe("promoting-configuration-dev--testnet--prod");
    expect(slug("Backups: `backup run|schedule|list|restore`")).toBe("backups-backup-runschedulelistrestore");
  });

  it.each(DOCS)("%s: every relative link and anchor resolves", (file) => {
    const dead: string[] = [];
    for (const target of links(file)) {
      const [pathPart, anchor] = target.split("#") as [string, string | undefined];
      const resolved = pathPart === "" ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), pathPart);
      // Links out of the repository (the shared design notes beside it) are checked for shape only.
      if (!resolved.startsWith(ROOT + path.sep)) continue;
      if (!existsSync(resolved)) dead.push(`${target}: no such file`);
      else if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) dead.push(`${target}: no heading #${anchor}`);
    }
    expect(dead).toEqual([]);
  });
});
