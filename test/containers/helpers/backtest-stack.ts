/**
 * The backtest service in containers, as the Docker targets run it: Redis from the shared
 * backend definition (its password required), then backtest-mcp until healthy and
 * backtest-worker until it reports ready, both from the project's image with the catalogue's
 * command, environment, secret files and hardening (the worker under infra/seccomp.ts's profile).
 * On the host network, Redis and the MCP server listen on 127.0.0.1 and free ports.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { mcpOf, secretEntries, type DeployContext } from "../../../infra/descriptor.js";
import { userNamespaceSeccompProfile } from "../../../infra/seccomp.js";
import { serviceCreateArgs, serviceHardening, type ContainerService } from "./container-args.js";
import { containerLogs, createContainer, inspect, removeContainers, startContainer, waitForHealthy, type ContainerState } from "./containers.js";
import { docker } from "./docker-cli.js";
import { freePort } from "./free-port.js";
import { TEST_CONTEXT } from "../../helpers/deploy-context.js";
import { catalogueEntry } from "./kb-stack.js";
import { startRedis, type RedisStack } from "./redis-stack.js";
import { resourceName, type ContainerRun } from "./run.js";
import { createSecretsVolume } from "./secrets-volume.js";

export interface BacktestStack {
  redis: RedisStack;
  /** The MCP API key backtest-mcp received as a secret file. */
  apiKey: string;
  /** backtest-mcp's port on 127.0.0.1. */
  port: number;
  mcp: { name: string; secondsToHealthy: number };
  worker: { name: string; secondsToReady: number };
  /** infra/seccomp.ts's profile as a file, for `docker run --security-opt seccomp=<file>`. */
  seccompProfile: string;
  remove(): Promise<void>;
}

/** Waits for a line of the container's log; returns seconds since its start. */
export async function waitForLog(name: string, text: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await containerLogs(name, 200);
    const state = await inspect<ContainerState>(name, ".State");
    if (logs.includes(text)) return (Date.now() - Date.parse(state.StartedAt)) / 1000;
    if (!state.Running) throw new Error(`${name} exited with ${state.ExitCode} before "${text}":\n${logs}`);
    if (Date.now() > deadline) throw new Error(`${name}: no "${text}" after ${timeoutMs / 1000} s:\n${logs}`);
    await sleep(250);
  }
}

export async function startBacktestStack(run: ContainerRun): Promise<BacktestStack> {
  const containers: string[] = [];
  const volumes: string[] = [];
  const profileDir = await mkdtemp(path.join(tmpdir(), "qm-seccomp-"));
  const seccompProfile = path.join(profileDir, "userns.json");
  await writeFile(seccompProfile, JSON.stringify(userNamespaceSeccompProfile()));
  let redis: RedisStack | undefined;
  const remove = async () => {
    await removeContainers(...containers);
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
    await redis?.remove();
    await rm(profileDir, { recursive: true, force: true });
  };
  try {
    redis = await startRedis(run);
    const context: DeployContext = { ...TEST_CONTEXT, redisUrl: `redis://127.0.0.1:${redis.port}` };
    // One value per stack secret, as `pulumi config set --secret` (or the stack's generator) holds it.
    const stackSecrets = new Map<string, string>([["redisPassword", redis.password]]);
    const launch = async (service: ContainerService, port?: number) => {
      const name = resourceName(run, service.name);
      const files = Object.fromEntries(
        secretEntries(service).map(([variable, key]) => {
          if (!stackSecrets.has(key)) stackSecrets.set(key, randomBytes(24).toString("base64url"));
          return [variable, stackSecrets.get(key)!];
        }),
      );
      const secretsVolume = await createSecretsVolume(run, { role: `${service.name}-secrets`, image: run.image, owner: serviceHardening(service).user, files });
      volumes.push(secretsVolume);
      await createContainer(serviceCreateArgs({ run, name, service, context, secretsVolume, port, seccompProfile }));
      containers.push(name);
      await startContainer(name);
      return name;
    };

    const port = await freePort();
    const mcpEntry = catalogueEntry("backtest-mcp");
    const mcpName = await launch(mcpEntry, port);
    const secondsToHealthy = await waitForHealthy(mcpName);
    const workerName = await launch(catalogueEntry("backtest-worker"));
    const secondsToReady = await waitForLog(workerName, "backtest worker ready");
    return {
      redis,
      apiKey: stackSecrets.get(mcpOf(mcpEntry.shape)!.apiKeySecret)!,
      port,
      mcp: { name: mcpName, secondsToHealthy },
      worker: { name: workerName, secondsToReady },
      seccompProfile,
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
