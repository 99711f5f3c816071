/**
 * The backup service in its container, deployed as the Docker targets deploy it: the catalogue's
 * `backup schedule` daemon with the shared hardening, its secret files, Redis's data volume
 * mounted read-only and its own volume for backups. A backup run inside it copies and verifies
 * the RDB of a Redis container from the same shared definition.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SECRETS_DIR } from "../../infra/container-conventions.js";
import { IMAGE_STATE_DIR as BACKUP_VOLUME_PATH } from "../../infra/descriptor.js";
import { serviceCreateArgs, serviceHardening } from "./helpers/container-args.js";
import { createContainer, engineHardening, exec, inspect, kernelView, probeWrites, removeContainers, startContainer } from "./helpers/containers.js";
import { docker } from "./helpers/docker-cli.js";
import { ensureRedisImage } from "./helpers/image.js";
import { TEST_CONTEXT } from "../helpers/deploy-context.js";
import { catalogueEntry } from "./helpers/kb-stack.js";
import { startRedis, type RedisStack } from "./helpers/redis-stack.js";
import { createVolume, resourceName } from "./helpers/run.js";
import { createSecretsVolume } from "./helpers/secrets-volume.js";

const CLI = ["node", "/app/dist/services/cli.js"];

describe("the backup service in its container", () => {
  const run = inject("containerRun");
  const service = catalogueEntry("backup");
  const name = resourceName(run, "backup");
  const volumes: string[] = [];
  let redis: RedisStack;
  let untag = async () => {};

  beforeAll(async () => {
    untag = (await ensureRedisImage()).untag;
    redis = await startRedis(run);
    const backups = await createVolume(run, "backup-data");
    volumes.push(backups);
    const secretsVolume = await createSecretsVolume(run, {
      role: "backup-secrets",
      image: run.image,
      owner: serviceHardening(service).user,
      files: { REDIS_PASSWORD: redis.password, QDRANT_API_KEY: randomBytes(16).toString("hex") },
    });
    volumes.push(secretsVolume);
    await createContainer(
      serviceCreateArgs({
        run,
        name,
        service,
        context: TEST_CONTEXT,
        env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` },
        secretsVolume,
        mounts: [`${redis.dataVolume}:/data:ro`, `${backups}:${BACKUP_VOLUME_PATH}`],
      }),
    );
    await startContainer(name);
    await exec(redis.name, ["redis-cli", "-p", String(redis.port), "--no-auth-warning", "-a", redis.password, "SET", "qm:backup-probe", "42"]);
  });
  afterAll(async () => {
    await removeContainers(name);
    await redis?.remove();
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
    await untag();
  });

  it("runs the scheduler as a daemon with the shared hardening, as 10001 with no capabilities", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await inspect<boolean>(name, ".State.Running")).toBe(true);
    const h = serviceHardening(service);
    expect(await engineHardening(name)).toMatchObject({ user: h.user, readOnlyRootfs: true, capDrop: ["ALL"], pidsLimit: h.pidsLimit });
    const kernel = await kernelView(name);
    expect(kernel.uids).toEqual([10001, 10001, 10001, 10001]);
    expect(kernel.effectiveCapabilities).toBe(0n);
  });

  it("can write to its backup volume and /tmp only; Redis's data is read-only to it", async () => {
    const writes = await probeWrites(name, ["/", "/app", "/data", SECRETS_DIR, "/tmp", BACKUP_VOLUME_PATH]);
    expect(writes).toEqual({
      "/": "Read-only file system",
      "/app": "Read-only file system",
      "/data": "Read-only file system",
      [SECRETS_DIR]: "Read-only file system",
      "/tmp": "ok",
      [BACKUP_VOLUME_PATH]: "ok",
    });
  });

  it("backs up Redis from inside the container: a verified RDB copy, listed with its manifest", async () => {
    const result = await exec(name, [...CLI, "backup", "run", "redis"]);
    expect(result.code, result.stderr).toBe(0);
    const listed = await exec(name, [...CLI, "backup", "list", "--store", "redis", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const manifests = JSON.parse(listed.stdout) as { store: string; files: { size: number; sha256: string }[] }[];
    expect(manifests).toHaveLength(1);
    expect(manifests[0]!.store).toBe("redis");
    expect(manifests[0]!.files[0]!.size).toBeGreaterThan(0);
    expect(manifests[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
