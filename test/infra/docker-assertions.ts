/**
 * Assertions shared by the local and vps target tests: what every hardened container must have.
 */
import { expect } from "vitest";
import { isSecretWrapper, type PulumiMockRun, type RecordedResource } from "../helpers/pulumi-mocks.js";

export function expectHardenedContainers(run: PulumiMockRun): void {
  const containers = run.ofType("docker:index/container:Container");
  expect(containers.length).toBeGreaterThan(0);
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
    expect(startCommandOf(run, name)).toMatch(new RegExp(`^docker update --pids-limit \\d+ ${name} && docker start`));
  }
}

/** The command that sets the pids limit and starts a container (local or remote). */
export function startCommandOf(run: PulumiMockRun, containerName: string): string {
  const commands = [...run.ofType("command:local:Command"), ...run.ofType("command:remote:Command")];
  const found = commands.find((c) => String(c.inputs["create"]).includes(`docker start`) && String(c.inputs["create"]).includes(` ${containerName}`));
  if (!found) throw new Error(`no start command for ${containerName}`);
  return String(found.inputs["create"]);
}

/** The uploads of a container, asserting they reach the engine as a secret (so state stores them encrypted). */
export function secretUploads(container: RecordedResource): { file: string; content: string; owner: string; permissions: string }[] {
  const uploads = container.inputs["uploads"];
  expect(isSecretWrapper(uploads), `${String(container.inputs["name"])} uploads are secret`).toBe(true);
  return (uploads as { value: { file: string; content: string; owner: string; permissions: string }[] }).value;
}

/** The content of one secret file a container receives. */
export function uploadedSecret(container: RecordedResource, file: string): string {
  const upload = secretUploads(container).find((u) => u.file === file);
  if (!upload) throw new Error(`${String(container.inputs["name"])} has no upload ${file}`);
  expect(upload.permissions).toBe("0400");
  return upload.content;
}
