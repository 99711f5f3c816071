/**
 * Assertions shared by the local and vps target tests: what every hardened container must have.
 */
import { expect } from "vitest";
import { isSecretWrapper, type PulumiMockRun, type RecordedResource } from "../helpers/pulumi-mocks.js";

/** Containers that run (seeders are created, filled with secret files, and never started). */
export function runningContainers(run: PulumiMockRun): RecordedResource[] {
  return run.ofType("docker:index/container:Container").filter((r) => !isSeeder(r));
}

function isSeeder(container: RecordedResource): boolean {
  return JSON.stringify(container.inputs["labels"] ?? []).includes("secrets-seeder");
}

export function expectHardenedContainers(run: PulumiMockRun): void {
  const containers = runningContainers(run);
  expect(containers.length).toBeGreaterThan(0);
  for (const seeder of run.ofType("docker:index/container:Container").filter(isSeeder)) {
    expect(seeder.inputs).toMatchObject({ start: false, networkMode: "none", capabilities: { drops: ["ALL"] } });
    expect(seeder.inputs["ports"] ?? []).toEqual([]);
  }
  for (const { inputs } of containers) {
    const name = String(inputs["name"]);
    expect({ name, readOnly: inputs["readOnly"] }).toEqual({ name, readOnly: true });
    expect(String(inputs["user"])).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(inputs["capabilities"]).toEqual({ drops: ["ALL"] });
    expect(inputs["securityOpts"]).toContain("no-new-privileges:true");
    expect(Number(inputs["memory"])).toBeGreaterThan(0);
    expect(inputs["memorySwap"]).toBe(inputs["memory"]);
    expect(Number(inputs["cpus"])).toBeGreaterThan(0);
    expect(Object.keys(inputs["tmpfs"] as object)).toContain("/tmp");
    expect(inputs["start"]).toBe(false);
    expect(startCommandOf(run, name)).toMatch(new RegExp(`^docker update --pids-limit \\d+ ${name} && docker (re)?start`));
    const secrets = (inputs["volumes"] as { containerPath: string; readOnly?: boolean }[]).find((v) => v.containerPath === "/run/secrets");
    if (secrets) expect(secrets.readOnly, `${name} mounts its secrets read-only`).toBe(true);
    expect(inputs["uploads"] ?? [], `${name} receives no uploads itself`).toEqual([]);
  }
}

/** The command that sets the pids limit and starts a container (local or remote). */
export function startCommandOf(run: PulumiMockRun, containerName: string): string {
  const commands = [...run.ofType("command:local:Command"), ...run.ofType("command:remote:Command")];
  const found = commands.find((c) => /docker (re)?start/.test(String(c.inputs["create"])) && String(c.inputs["create"]).includes(` ${containerName}`));
  if (!found) throw new Error(`no start command for ${containerName}`);
  return String(found.inputs["create"]);
}

/** The secret files seeded for a container, asserting they reach the engine as a secret (so state stores them encrypted). */
export function secretUploads(run: PulumiMockRun, containerName: string): { file: string; content: string; owner: string; permissions: string }[] {
  const seeder = run.ofType("docker:index/container:Container").find((r) => r.inputs["name"] === `${containerName}-secrets-seeder`);
  if (!seeder) throw new Error(`no secrets seeder for ${containerName}`);
  const uploads = seeder.inputs["uploads"];
  expect(isSecretWrapper(uploads), `${containerName} secret files are secret`).toBe(true);
  return (uploads as { value: { file: string; content: string; owner: string; permissions: string }[] }).value;
}

/** The content of one secret file a container receives. */
export function uploadedSecret(run: PulumiMockRun, containerName: string, file: string): string {
  const upload = secretUploads(run, containerName).find((u) => u.file === file);
  if (!upload) throw new Error(`${containerName} has no secret file ${file}`);
  expect(upload.permissions).toBe("0400");
  return upload.content;
}
