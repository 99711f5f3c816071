/**
 * Redis in its container, from the shared REDIS definition (infra/backends.ts): pinned image,
 * hardening, AOF on a named data volume, the configuration with its password as a secret file.
 * On the host network it listens on 127.0.0.1 and a free port (set in that same file).
 */
import { randomBytes } from "node:crypto";
import { REDIS, redisConfig } from "../../../infra/backends.js";
import { backendCreateArgs } from "./container-args.js";
import { createContainer, removeContainers, startContainer, waitForHealthy } from "./containers.js";
import { docker } from "./docker-cli.js";
import { freePort } from "./free-port.js";
import { createVolume, resourceName, type ContainerRun } from "./run.js";
import { createSecretsVolume } from "./secrets-volume.js";

export interface RedisStack {
  name: string;
  port: number;
  password: string;
  /** The named volume holding Redis's data (its AOF and RDB). */
  dataVolume: string;
  secondsToHealthy: number;
  /** Replaces the container with a new one on the same volumes (a redeploy); resolves when healthy. */
  recreate(): Promise<number>;
  remove(): Promise<void>;
}

export async function startRedis(run: ContainerRun): Promise<RedisStack> {
  const name = resourceName(run, "redis");
  const password = randomBytes(24).toString("hex");
  const port = await freePort();
  const volumes: string[] = [];
  const remove = async () => {
    await removeContainers(name);
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
  };
  try {
    const data = await createVolume(run, "redis-data");
    volumes.push(data);
    const secretsVolume = await createSecretsVolume(run, {
      role: "redis-secrets",
      // The seeder never runs, so any image will do; the project's declares no VOLUME, unlike redis's.
      image: run.image,
      owner: REDIS.hardening.user,
      files: { [REDIS.configFile]: redisConfig(password, { port, bind: "127.0.0.1" }) },
    });
    volumes.push(secretsVolume);
    const args = backendCreateArgs({ run, name, backend: REDIS, secretsVolume, volumes: { data } });
    const launch = async () => {
      await createContainer(args);
      await startContainer(name);
      return waitForHealthy(name);
    };
    const secondsToHealthy = await launch();
    return {
      name,
      port,
      password,
      dataVolume: data,
      secondsToHealthy,
      recreate: async () => {
        await removeContainers(name);
        return launch();
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
