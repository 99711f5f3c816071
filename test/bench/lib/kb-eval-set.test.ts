import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkAgainstCorpus,
  corpusIndex,
  EVAL_QUERIES_FILE,
  EvalSetError,
  loadEvalSet,
  parseEvalSet,
  QUERY_KINDS,
  type EvalQuery,
} from "../../../bench/lib/kb-eval-set.js";
import { BUNDLED_ARTICLES_DIR } from "../../../services/kb/config.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

describe("the shipped evaluation set and corpus", () => {
  let queries: EvalQuery[];
  let corpus: Map<string, string[]>;
  beforeAll(async () => {
    corpus = await corpusIndex(BUNDLED_ARTICLES_DIR);
    queries = await loadEvalSet(EVAL_QUERIES_FILE, BUNDLED_ARTICLES_DIR);
  });

  it("has at least 100 parsable articles in at least 10 categories", () => {
    expect(corpus.size).toBeGreaterThanOrEqual(100);
    expect(new Set([...corpus.values()].map((c) => c[0])).size).toBeGreaterThanOrEqual(10);
  });

  it("has at least 80 queries with unique ids, each with a grade-3 article that exists", () => {
    expect(queries.length).toBeGreaterThanOrEqual(80);
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length);
    for (const q of queries) {
      const answers = Object.entries(q.relevant).filter(([, grade]) => grade === 3);
      expect(answers.length, q.id).toBeGreaterThan(0);
      for (const id of Object.keys(q.relevant)) expect(corpus.has(id), `${q.id}: ${id}`).toBe(true);
    }
  });

  it("covers every kind of query, with identifier and error-code look-ups among them", () => {
    for (const kind of QUERY_KINDS) expect(queries.filter((q) => q.kind === kind).length, kind).toBeGreaterThanOrEqual(10);
  });

  it("keeps at most five relevant (grade >= 2) articles per query, so recall@5 can reach 1", () => {
    for (const q of queries) expect(Object.values(q.relevant).filter((g) => g >= 2).length, q.id).toBeLessThanOrEqual(5);
  });

  it("judges filtered queries only with articles inside their category", () => {
    for (const q of queries.filter((x) => x.category !== undefined)) {
      for (const id of Object.keys(q.relevant)) expect(corpus.get(id), `${q.id}: ${id}`).toContain(q.category);
    }
  });
});

describe("a broken evaluation set is refused with every problem named", () => {
  const entry = (fields: string) => `queries:\n  - ${fields.split("\n").join("\n    ")}\n`;
  const good = "id: q001\nkind: question\nquery: how to size a position\nrelevant: { risk/atr: 3 }";

  it("accepts a minimal valid set", () => {
    expect(parseEvalSet(entry(good))).toEqual([{ id: "q001", kind: "question", query: "how to size a position", relevant: { "risk/atr": 3 } }]);
  });

  it("refuses a query without a grade-3 article", () => {
    expect(() => parseEvalSet(entry(good.replace("risk/atr: 3", "risk/atr: 2")))).toThrow(/q001 relevant: has no grade-3 article/);
  });

  it("refuses duplicate ids and duplicate queries", () => {
    const twice = `queries:\n${[good, good.replace("how to", "How to")]
      .map((e) => `  - ${e.split("\n").join("\n    ")}`)
      .join("\n")}\n`;
    const error = (() => {
      try {
        parseEvalSet(twice);
      } catch (e) {
        return e as EvalSetError;
      }
      throw new Error("accepted a duplicate");
    })();
    expect(error).toBeInstanceOf(EvalSetError);
    expect(error.code).toBe("KB_EVAL_SET_INVALID");
    expect(error.problems).toEqual(["q001: duplicate id", 'q001: duplicate query "How to size a position"']);
  });

  it("refuses grades outside 1-3, bad ids, unknown fields and a category on an unfiltered query", () => {
    expect(() => parseEvalSet(entry(good.replace("risk/atr: 3", "risk/atr: 3, risk/kelly: 4")))).toThrow(/q001 relevant risk\/kelly/);
    expect(() => parseEvalSet(entry(good.replace("risk/atr", "risk/atr.md")))).toThrow(/must be an article path without \.md/);
    expect(() => parseEvalSet(entry(good.replace("id: q001", "id: first")))).toThrow(/first id: must look like q001/);
    expect(() => parseEvalSet(entry(good.replace("id: q001", "id: 7")))).toThrow(/query #1 id: /);
    expect(() => parseEvalSet(entry(`${good}\nnotes: hi`))).toThrow(/notes/);
    expect(() => parseEvalSet(entry(`${good}\ncategory: risk`))).toThrow(/a category goes with kind filtered/);
    expect(() => parseEvalSet(entry(good.replace("kind: question", "kind: filtered")))).toThrow(/a category goes with kind filtered/);
  });

  it("refuses text that is not YAML or not a set", () => {
    expect(() => parseEvalSet("queries: [unclosed")).toThrow(/not valid YAML/);
    expect(() => parseEvalSet("queries: []")).toThrow(EvalSetError);
    expect(() => parseEvalSet("- id: q001")).toThrow(EvalSetError);
  });
});

describe("checking a set against a corpus", () => {
  let temp: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    temp = await makeTempDir("qm-kb-eval-");
    await mkdir(path.join(temp.dir, "risk"), { recursive: true });
    const article = (title: string, categories: string) =>
      `---\ntitle: ${title}\nurl: https://example.com/${title}\ncategories: ${categories}\n---\n\nBody of ${title}.\n`;
    await writeFile(path.join(temp.dir, "risk", "atr.md"), article("atr", "risk, indicators"));
    await writeFile(path.join(temp.dir, "risk", "broken.md"), "no frontmatter");
  });
  afterAll(() => temp.remove());

  it("names judged articles that do not exist, unknown filter categories and articles the filter excludes", async () => {
    const corpus = await corpusIndex(temp.dir);
    expect([...corpus.keys()]).toEqual(["risk/atr"]);
    const queries: EvalQuery[] = [
      { id: "q001", kind: "question", query: "a", relevant: { "risk/atr": 3, "risk/broken": 1 } },
      { id: "q002", kind: "filtered", category: "execution", query: "b", relevant: { "risk/atr": 3 } },
      { id: "q003", kind: "filtered", category: "indicators", query: "c", relevant: { "risk/atr": 3 } },
    ];
    expect(checkAgainstCorpus(queries, corpus)).toEqual([
      "q001: judged article risk/broken does not exist",
      "q002: no article has category execution",
      "q002: judged article risk/atr is not in category execution, so the filter excludes it",
    ]);
  });

  it("loadEvalSet throws with the problems when the set and corpus disagree", async () => {
    const file = path.join(temp.dir, "queries.yaml");
    await writeFile(file, "queries:\n  - { id: q001, kind: question, query: x, relevant: { risk/missing: 3 } }\n");
    await expect(loadEvalSet(file, temp.dir)).rejects.toThrow(/q001: judged article risk\/missing does not exist/);
  });
});
