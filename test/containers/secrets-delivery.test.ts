/**
 * How secret files can reach a hardened container on a Docker engine. The Docker targets upload
 * them with docker.Container `uploads`, which sends a tar archive extracted at `/`. These tests
 * pin down what the engine does with that, because it decides how the targets must do it:
 * into a created --read-only container the upload is refused even though its files land under a
 * volume; through a seeder container it works, and the service reads the files from a read-only
 * mount (helpers/secrets-volume.ts).
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { dockerRunHardeningFlags, containerHardening, SERVICE_USER } from "../../infra/hardening.js";
import { docker } from "./helpers/docker-cli.js";
import { removeContainers } from "./helpers/containers.js";
import { createVolume, resourceName, runLabels } from "./helpers/run.js";
import { createSecretsVolume, secretsArchive } from "./helpers/secrets-volume.js";
import { createTar } from "./helpers/tar.js";

describe("secret files on a Docker engine", () => {
  const run = inject("containerRun");
  const hardening = dockerRunHardeningFlags(containerHardening({ tmpfsPaths: ["/tmp"], memoryMb: 256, cpus: 1, pidsLimit: 64 }));
  const containers: string[] = [];
  const volumes: string[] = [];
  afterAll(async () => {
    await removeContainers(...containers);
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
  });

  const createHardened = async (role: string, volume: string, mount: string, command: string[]) => {
    const name = resourceName(run, role);
    await docker(["create", "--name", name, ...runLabels(run), "--network", "host", ...hardening, "-v", `${volume}:${mount}`, "--no-healthcheck", "--entrypoint", "node", run.image, ...command]);
    containers.push(name);
    return name;
  };

  it("an upload at / (what `uploads` sends) into a created --read-only container is refused", async () => {
    const volume = await createVolume(run, "refused-secrets");
    volumes.push(volume);
    const name = await createHardened("refused", volume, SECRETS_DIR, ["-e", ""]);
    const upload = await docker(["cp", "-", `${name}:/`], { input: secretsArchive(SERVICE_USER, { TOKEN: "t0ken" }), allowFailure: true });
    expect(upload.code).not.toBe(0);
    expect(upload.stderr).toContain("container rootfs is marked read-only");
    // Extracted at the volume's own path instead (which `uploads` cannot do), the file is accepted.
    const atMount = await docker(["cp", "-", `${name}:${SECRETS_DIR}`], {
      input: createTar([{ path: "TOKEN", content: "t0ken", mode: 0o400, uid: 10001, gid: 10001 }]),
      allowFailure: true,
    });
    expect(atMount.code, atMount.stderr).toBe(0);
  });

  it("through a seeder they arrive owned by the service user, 0400, readable by it and read-only to it", async () => {
    const volume = await createSecretsVolume(run, { role: "seeded-secrets", image: run.image, owner: SERVICE_USER, files: { TOKEN: "t0ken\n" } });
    volumes.push(volume);
    const script =
      'const fs = require("node:fs"); const f = "/run/secrets/TOKEN"; const s = fs.statSync(f); let write = "ok";' +
      ' try { fs.writeFileSync(f, "x"); } catch (e) { write = e.code; }' +
      " console.log(JSON.stringify({ uid: s.uid, gid: s.gid, mode: (s.mode & 0o777).toString(8), content: fs.readFileSync(f, \"utf8\"), write }));";
    const name = await createHardened("seeded", volume, `${SECRETS_DIR}:ro`, ["-e", script]);
    const { stdout } = await docker(["start", "--attach", name]);
    expect(JSON.parse(stdout)).toEqual({ uid: 10001, gid: 10001, mode: "400", content: "t0ken\n", write: "EROFS" });
  });
});
