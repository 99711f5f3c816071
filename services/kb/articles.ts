/**
 * Articles: Markdown files with YAML frontmatter under an articles root. The first folder
 * under the root is also a category. Parsing never throws on content: a bad file comes back
 * as a reason, so one malformed article cannot abort an index run.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export interface Article {
  /** Path relative to the articles root, `/`-separated. */
  path: string;
  title: string;
  url: string;
  /** Lowercase, de-duplicated; the first folder's name first when there is one. */
  categories: string[];
  /** 0..1; 0 when the frontmatter has none. */
  relevanceScore: number;
  scrapedAt?: string;
  /** The Markdown after the frontmatter. */
  body: string;
  /** sha256 (hex) of the file's bytes. */
  contentHash: string;
}

export type ParsedArticle = { ok: true; article: Article } | { ok: false; reason: string };

const FRONTMATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

const FrontmatterSchema = z.object({
  title: z.string().trim().min(1, "title is empty"),
  url: z.url({ protocol: /^https?$/, message: "url is not a valid http(s) URL" }),
  categories: z
    .union([z.array(z.string()), z.string()])
    .optional()
    .transform((value) => (typeof value === "string" ? value.split(",") : (value ?? []))),
  relevance_score: z.number().min(0).max(1).optional(),
  scraped_at: z
    .union([z.string(), z.date()])
    .optional()
    .transform((value) => (value instanceof Date ? value.toISOString() : value)),
});

/** Normalises a category name: trimmed, lowercase, inner whitespace as `-`. */
export function normaliseCategory(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, "-");
}

export function hashContent(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Parses one article file's bytes; `relativePath` is its `/`-separated path under the root. */
export function parseArticle(relativePath: string, bytes: Buffer): ParsedArticle {
  const text = bytes.toString("utf8");
  if (text.includes("\uFFFD")) return { ok: false, reason: "not valid UTF-8" };
  const match = FRONTMATTER.exec(text);
  if (!match) return { ok: false, reason: "no YAML frontmatter (the file must start with a --- block)" };

  let raw: unknown;
  try {
    raw = parseYaml(match[1]!);
  } catch (error) {
    return { ok: false, reason: `frontmatter is not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
  const parsed = FrontmatterSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "frontmatter";
    return { ok: false, reason: `frontmatter ${field}: ${issue.message}` };
  }
  const body = text.slice(match[0].length).trim();
  if (body.length === 0) return { ok: false, reason: "the article has no body" };

  const folder = relativePath.includes("/") ? relativePath.split("/")[0]! : undefined;
  const categories = [...new Set([folder, ...parsed.data.categories].filter(Boolean).map((c) => normaliseCategory(c!)))]
    .filter((c) => c.length > 0);
  return {
    ok: true,
    article: {
      path: relativePath,
      title: parsed.data.title,
      url: parsed.data.url,
      categories,
      relevanceScore: parsed.data.relevance_score ?? 0,
      ...(parsed.data.scraped_at !== undefined && { scrapedAt: parsed.data.scraped_at }),
      body,
      contentHash: hashContent(bytes),
    },
  };
}

/**
 * Every Markdown file under `root`, as sorted `/`-separated relative paths. Hidden entries and
 * symbolic links are skipped: a link could lead out of the root.
 */
export async function listArticleFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(relativeDir: string): Promise<void> {
    const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(relative);
      else if (entry.isFile() && isMarkdownName(entry.name)) found.push(relative);
    }
  }
  await walk("");
  return found.sort();
}

export function isMarkdownName(name: string): boolean {
  return /\.(md|markdown)$/i.test(name);
}
