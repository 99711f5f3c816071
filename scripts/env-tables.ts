/**
 * `npm run docs:env`: regenerates the environment-variable tables in docs/configuration.md from
 * the services' zod schemas (scripts/env-schemas.ts lists them). `--check` writes nothing and
 * exits 1 when the committed tables are out of date.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PACKAGE_ROOT } from "../services/shared/package-root.js";
import { ENV_SCHEMAS } from "./env-schemas.js";
import { updateConfigurationDoc } from "./lib/env-table.js";

const CONFIGURATION_DOC = path.join(PACKAGE_ROOT, "docs", "configuration.md");

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  const current = await readFile(CONFIGURATION_DOC, "utf8");
  const updated = updateConfigurationDoc(current, ENV_SCHEMAS);
  if (updated === current) {
    process.stdout.write(`${path.relative(process.cwd(), CONFIGURATION_DOC)}: environment tables up to date\n`);
    return 0;
  }
  if (check) {
    process.stderr.write(`${CONFIGURATION_DOC}: environment tables are out of date: run npm run docs:env\n`);
    return 1;
  }
  await writeFile(CONFIGURATION_DOC, updated);
  process.stdout.write(`${path.relative(process.cwd(), CONFIGURATION_DOC)}: environment tables regenerated\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
