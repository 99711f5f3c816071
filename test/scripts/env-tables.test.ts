/**
 * The environment tables in docs/configuration.md are generated from the zod schemas: the
 * committed document must be exactly what `npm run docs:env` writes, and every field needs a
 * description for that.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ENV_SCHEMAS } from "../../scripts/env-schemas.js";
import { endMarker, EnvTableError, renderEnvTable, startMarker, updateConfigurationDoc, type EnvSchemaEntry } from "../../scripts/lib/env-table.js";

const DOC = path.resolve(import.meta.dirname, "../../docs/configuration.md");

describe("docs/configuration.md", () => {
  it("holds exactly the tables the schemas generate (run `npm run docs:env` after changing a schema)", async () => {
    const committed = await readFile(DOC, "utf8");
    expect(committed, "docs/configuration.md is out of date: run npm run docs:env").toBe(updateConfigurationDoc(committed, ENV_SCHEMAS));
    for (const entry of ENV_SCHEMAS) expect(committed).toContain(startMarker(entry.id));
  });

  it("lists every variable of every service, each once", async () => {
    const committed = await readFile(DOC, "utf8");
    for (const entry of ENV_SCHEMAS) {
      const section = committed.slice(committed.indexOf(startMarker(entry.id)), committed.indexOf(endMarker(entry.id)));
      for (const name of Object.keys(entry.schema.shape)) expect(section.match(new RegExp(`^\\| \`${name}\``, "gm")), `${entry.id}: ${name}`).toHaveLength(1);
    }
  });
});

const Example: EnvSchemaEntry = {
  id: "demo",
  title: "Demo service",
  schema: z.object({
    DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(9000).describe("HTTP port"),
    DEMO_MODE: z.enum(["fast", "safe"]).default("safe").describe("How to run | carefully"),
    DEMO_URL: z.url().optional().describe("Upstream"),
    DEMO_TOKEN: z.string().min(8).describe("Token"),
    DEMO_DIR: z.string().default("/tmp/x").meta({ description: "Work dir", docDefault: "the OS temp directory" }),
    DEMO_LIST: z
      .string()
      .default("")
      .transform((v) => v.split(","))
      .describe("Items"),
  }),
  secrets: ["DEMO_TOKEN"],
  aliases: { DEMO_TOKEN: ["OLD_TOKEN"] },
};

describe("renderEnvTable", () => {
  it("renders accepted values, defaults, secrets and aliases from the schema", () => {
    expect(renderEnvTable(Example).split("\n")).toEqual([
      "| variable | accepts | default | meaning |",
      "|---|---|---|---|",
      "| `DEMO_PORT` | integer 0-65535 | `9000` | HTTP port |",
      "| `DEMO_MODE` | `fast`, `safe` | `safe` | How to run \\| carefully |",
      "| `DEMO_URL` | URL | unset | Upstream |",
      "| `DEMO_TOKEN` (secret; or `DEMO_TOKEN_FILE`; also `OLD_TOKEN` or `OLD_TOKEN_FILE`) | text | required | Token |",
      "| `DEMO_DIR` | text | the OS temp directory | Work dir |",
      "| `DEMO_LIST` | text | empty | Items |",
      "",
    ]);
  });

  it("refuses a field without a description, naming it and what to add", () => {
    const undocumented = { ...Example, schema: z.object({ DEMO_SECRET_SAUCE: z.string().optional() }) };
    expect(() => renderEnvTable(undocumented)).toThrow(EnvTableError);
    expect(() => renderEnvTable(undocumented)).toThrow(/^demo: DEMO_SECRET_SAUCE has no description: add \.describe/);
  });
});

describe("updateConfigurationDoc", () => {
  it("replaces only what lies between a service's markers, and is idempotent", () => {
    const doc = `# Title\n\nprose before\n\n${startMarker("demo")}\nstale table\n${endMarker("demo")}\n\nprose after\n`;
    const updated = updateConfigurationDoc(doc, [Example]);
    expect(updated).toBe(`# Title\n\nprose before\n\n${startMarker("demo")}\n${renderEnvTable(Example)}${endMarker("demo")}\n\nprose after\n`);
    expect(updateConfigurationDoc(updated, [Example])).toBe(updated);
  });

  it("appends a section for a newly listed service, so adding a service is one line in env-schemas.ts", () => {
    const updated = updateConfigurationDoc("# Configuration\n", [Example]);
    expect(updated).toBe(`# Configuration\n\n## Demo service\n\n${startMarker("demo")}\n${renderEnvTable(Example)}${endMarker("demo")}\n`);
  });

  it("refuses a start marker without its end, instead of eating the rest of the document", () => {
    expect(() => updateConfigurationDoc(`${startMarker("demo")}\nrest of the doc\n`, [Example])).toThrow(/demo: the start marker has no end marker/);
  });
});
