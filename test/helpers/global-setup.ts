/**
 * Indexes part of the bundled sample corpus once, with the real default embedding model, into
 * a temp data directory that the end-to-end MCP tests share (read-only) through
 * `inject("kbDataDir")` and `inject("kbArticlesDir")`. Two of the six categories keep the
 * suite fast: the model embeds about 10 chunks a second on two cores.
 */
import { cp } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { BUNDLED_ARTICLES_DIR, loadKbConfig } from "../../services/kb/config.js";
import { closeKbDeps, createKbDeps, runKbIndex } from "../../services/kb/main.js";
import { createLogger } from "../../services/shared/logger.js";
import { makeTempDir } from "./temp-dir.js";

declare module "vitest" {
  export interface ProvidedContext {
    kbDataDir: string;
    kbArticlesDir: string;
  }
}

export const E2E_CATEGORIES = ["risk-management", "backtesting"];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const temp = await makeTempDir("qm-kb-e2e-");
  const articles = path.join(temp.dir, "articles");
  for (const category of E2E_CATEGORIES) {
    await cp(path.join(BUNDLED_ARTICLES_DIR, category), path.join(articles, category), { recursive: true });
  }
  const config = loadKbConfig({ QM_DATA_DIR: temp.dir, KB_ARTICLES_DIR: articles, LOG_LEVEL: "warn" });
  const deps = await createKbDeps(config, createLogger("test-setup", { level: "warn" }), "index");
  try {
    const summary = await runKbIndex(config, deps);
    if (summary.indexed.length === 0) throw new Error("global setup indexed no articles from data/articles");
  } finally {
    await closeKbDeps(deps);
  }
  project.provide("kbDataDir", temp.dir);
  project.provide("kbArticlesDir", articles);
  return temp.remove;
}
