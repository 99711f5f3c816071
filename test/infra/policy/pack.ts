/** The pack as a whole: every rule listed, all mandatory, and the files Pulumi's runner reads. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Policies } from "@pulumi/policy";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { policies, POLICY_PACK_NAME } from "../../../infra/policy/policies.js";

const PACK_DIR = path.resolve(import.meta.dirname, "../../../infra/policy");
const REPO = path.resolve(PACK_DIR, "../..");

/** Every policy object any rules/*.ts file exports. */
async function exportedPolicies(): Promise<{ file: string; name: string; policy: object }[]> {
  const found: { file: string; name: string; policy: object }[] = [];
  for (const file of (await readdir(path.join(PACK_DIR, "rules"))).filter((f) => f.endsWith(".ts")).sort()) {
    const module = (await import(pathToFileURL(path.join(PACK_DIR, "rules", file)).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value === "object" && value !== null && "name" in value && ("validateResource" in value || "validateStack" in value)) {
        found.push({ file, name: String((value as { name: unknown }).name), policy: value });
      }
    }
  }
  return found;
}

describe("policy pack", () => {
  it("lists every rule under infra/policy/rules, one per file, each mandatory, names unique", async () => {
    const exported = await exportedPolicies();
    const files = (await readdir(path.join(PACK_DIR, "rules"))).filter((f) => f.endsWith(".ts"));
    expect(exported.map((e) => e.file).sort()).toEqual(files.sort());
    for (const { file, policy } of exported) expect(policies, `${file} is not in policies.ts`).toContain(policy);
    expect(policies).toHaveLength(exported.length);
    for (const policy of policies) expect(policy.enforcementLevel, policy.name).toBe("mandatory");
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const policy of policies) expect(policy.description.length, policy.name).toBeGreaterThan(20);
  });

  it("index.ts serves exactly that list as the mandatory pack named quantmind", async () => {
    const constructed: { name: string; args: { policies: Policies; enforcementLevel?: string } }[] = [];
    vi.resetModules();
    vi.doMock("@pulumi/policy", async (importOriginal) => ({
      ...(await importOriginal<object>()),
      PolicyPack: class {
        constructor(name: string, args: { policies: Policies; enforcementLevel?: string }) {
          constructed.push({ name, args });
        }
      },
    }));
    try {
      await import("../../../infra/policy/index.js");
    } finally {
      vi.doUnmock("@pulumi/policy");
    }
    expect(constructed).toHaveLength(1);
    expect(constructed[0]?.name).toBe(POLICY_PACK_NAME);
    expect(POLICY_PACK_NAME).toBe("quantmind");
    expect(constructed[0]?.args.enforcementLevel).toBe("mandatory");
    expect(constructed[0]?.args.policies.map((p) => p.name)).toEqual(policies.map((p) => p.name));
  });

  it("PulumiPolicy.yaml uses the project's runtime; package.json gives the runner a version and the entry point", async () => {
    const project = parse(await readFile(path.join(REPO, "Pulumi.yaml"), "utf8")) as { runtime: unknown };
    const pack = parse(await readFile(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: unknown };
    expect(pack.runtime).toEqual(project.runtime);
    const manifest = JSON.parse(await readFile(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string; main: string; type: string };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.type).toBe("module");
    await expect(readFile(path.join(PACK_DIR, manifest.main), "utf8")).resolves.toContain('import("./index.ts")');
  });
});
