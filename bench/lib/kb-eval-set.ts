/**
 * The knowledge-base evaluation set (data/kb-eval/queries.yaml): queries with graded relevant
 * articles, read and checked before anything is measured. A judgement that names a missing
 * article, or a filtered query whose answer lies outside its category, would silently lower
 * every score; both are reported here, by query id, instead.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { listArticleFiles, parseArticle } from "../../services/kb/articles.js";
import { PACKAGE_ROOT } from "../../services/shared/package-root.js";

export const EVAL_QUERIES_FILE = path.join(PACKAGE_ROOT, "data", "kb-eval", "queries.yaml");

/**
 * What a query tests: the kinds of search a trading-research agent makes. `paraphrase` is a
 * question worded to avoid the terms of the article that answers it: the set's author wrote the
 * articles too, and without these the shared vocabulary would flatter exact term matching.
 */
export const QUERY_KINDS = ["question", "paraphrase", "identifier", "error-code", "filtered"] as const;

const ARTICLE_ID = /^[a-z0-9-]+(\/[a-z0-9-]+)+$/;

export const EvalQuerySchema = z
  .object({
    id: z.string().regex(/^q\d{3}$/, "must look like q001"),
    query: z.string().trim().min(1).max(1000),
    kind: z.enum(QUERY_KINDS),
    /** Passed to search as its category filter; required for and only for `filtered` queries. */
    category: z.string().min(1).optional(),
    /** Article id (its path under the articles root without `.md`) -> grade. */
    relevant: z.record(z.string(), z.union([z.literal(1), z.literal(2), z.literal(3)])),
  })
  .strict()
  .superRefine((q, ctx) => {
    // Checked here rather than as the record's key schema, whose failure names no rule.
    for (const id of Object.keys(q.relevant).filter((key) => !ARTICLE_ID.test(key))) {
      ctx.addIssue({ code: "custom", message: "must be an article path without .md, e.g. execution/order-filling-modes", path: ["relevant", id] });
    }
    if (!Object.values(q.relevant).includes(3)) ctx.addIssue({ code: "custom", message: "has no grade-3 article (the answer)", path: ["relevant"] });
    if ((q.kind === "filtered") !== (q.category !== undefined)) {
      ctx.addIssue({ code: "custom", message: "a category goes with kind filtered, and only with it", path: ["category"] });
    }
  });

export type EvalQuery = z.infer<typeof EvalQuerySchema>;

export const EvalSetSchema = z.object({ queries: z.array(EvalQuerySchema).min(1) }).strict();

export class EvalSetError extends Error {
  readonly code = "KB_EVAL_SET_INVALID";
  constructor(readonly problems: string[]) {
    super(`the evaluation set is invalid:\n- ${problems.join("\n- ")}`);
    this.name = "EvalSetError";
  }
}

/** Article id -> its categories, for every parsable article under `root`. */
export async function corpusIndex(root: string): Promise<Map<string, string[]>> {
  const index = new Map<string, string[]>();
  for (const relative of await listArticleFiles(root)) {
    const parsed = parseArticle(relative, await readFile(path.join(root, relative)));
    if (parsed.ok) index.set(articleId(relative), parsed.article.categories);
  }
  return index;
}

/** `execution/order-filling-modes.md` -> `execution/order-filling-modes`. */
export function articleId(relativePath: string): string {
  return relativePath.replace(/\.(md|markdown)$/i, "");
}

/** Parses and validates the set's text; throws EvalSetError listing every problem. */
export function parseEvalSet(text: string): EvalQuery[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new EvalSetError([`not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  const parsed = EvalSetSchema.safeParse(raw);
  if (!parsed.success) {
    throw new EvalSetError(parsed.error.issues.map((i) => `${describePath(raw, i.path)}: ${i.message}`));
  }
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const seenQueries = new Set<string>();
  for (const q of parsed.data.queries) {
    if (seenIds.has(q.id)) problems.push(`${q.id}: duplicate id`);
    seenIds.add(q.id);
    const key = `${q.query.toLowerCase()}\u0000${q.category ?? ""}`;
    if (seenQueries.has(key)) problems.push(`${q.id}: duplicate query ${JSON.stringify(q.query)}`);
    seenQueries.add(key);
  }
  if (problems.length > 0) throw new EvalSetError(problems);
  return parsed.data.queries;
}

/**
 * Problems between the set and a corpus: judged articles that do not exist, filter categories
 * no article has, and judged articles a query's category filter would exclude.
 */
export function checkAgainstCorpus(queries: readonly EvalQuery[], corpus: ReadonlyMap<string, string[]>): string[] {
  const categories = new Set([...corpus.values()].flat());
  const problems: string[] = [];
  for (const q of queries) {
    if (q.category !== undefined && !categories.has(q.category)) problems.push(`${q.id}: no article has category ${q.category}`);
    for (const id of Object.keys(q.relevant)) {
      const articleCategories = corpus.get(id);
      if (articleCategories === undefined) problems.push(`${q.id}: judged article ${id} does not exist`);
      else if (q.category !== undefined && !articleCategories.includes(q.category)) {
        problems.push(`${q.id}: judged article ${id} is not in category ${q.category}, so the filter excludes it`);
      }
    }
  }
  return problems;
}

/** Reads the set and checks it against the corpus under `articlesRoot`; throws EvalSetError. */
export async function loadEvalSet(file: string, articlesRoot: string): Promise<EvalQuery[]> {
  const queries = parseEvalSet(await readFile(file, "utf8"));
  const problems = checkAgainstCorpus(queries, await corpusIndex(articlesRoot));
  if (problems.length > 0) throw new EvalSetError(problems);
  return queries;
}

/** `queries.3.relevant` -> `q004 relevant` when the entry has an id, so a problem names its query. */
function describePath(raw: unknown, issuePath: PropertyKey[]): string {
  if (issuePath[0] === "queries" && typeof issuePath[1] === "number") {
    const entry = (raw as { queries?: unknown[] }).queries?.[issuePath[1]] as { id?: unknown } | undefined;
    const name = typeof entry?.id === "string" ? entry.id : `query #${issuePath[1] + 1}`;
    return [name, ...issuePath.slice(2).map(String)].join(" ");
  }
  return issuePath.map(String).join(".") || "file";
}
