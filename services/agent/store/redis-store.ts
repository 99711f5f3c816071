/**
 * The agent's state in Redis, under the keys of services/shared/redis-keys.ts. Outcomes are
 * written with SET NX, so two agents that both processed a redelivered signal record one outcome.
 */
import { Redis } from "ioredis";
import { agentKeys } from "../../shared/redis-keys.js";
import { StreamUnavailableError } from "../errors.js";
import { waitReady } from "../streams/redis-streams.js";
import { OUTCOME_TTL_MS, type AgentStore } from "./agent-store.js";

export class RedisAgentStore implements AgentStore {
  private readonly client: Redis;

  constructor(options: { url: string; password?: string; commandTimeoutMs?: number }) {
    this.client = new Redis(options.url, {
      password: options.password,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
      connectionName: "qm-agent-store",
    });
    this.client.on("error", () => undefined);
  }

  /** Resolves once connected (commands fail fast while Redis is away, so wait before the first). */
  ready(timeoutMs = 5000): Promise<void> {
    return waitReady(this.client, timeoutMs);
  }

  async recordOutcome(signalId: string, outcome: string): Promise<boolean> {
    return this.run(async () => (await this.client.set(agentKeys.outcome(signalId), outcome, "PX", OUTCOME_TTL_MS, "NX")) === "OK");
  }

  async getOutcome(signalId: string): Promise<string | undefined> {
    return this.run(async () => (await this.client.get(agentKeys.outcome(signalId))) ?? undefined);
  }

  async isKillSwitchOn(): Promise<boolean> {
    return this.run(async () => (await this.client.exists(agentKeys.killSwitch)) === 1);
  }

  async setKillSwitch(on: boolean, reason = "set by an operator"): Promise<void> {
    await this.run(async () => {
      if (on) await this.client.set(agentKeys.killSwitch, JSON.stringify({ reason, at: Date.now() }));
      else await this.client.del(agentKeys.killSwitch);
    });
  }

  async heartbeat(agentId: string, payload: string, ttlMs: number): Promise<void> {
    await this.run(() => this.client.set(agentKeys.heartbeat(agentId), payload, "PX", ttlMs));
  }

  async dayStartEquity(broker: string, day: string, equity: number): Promise<number> {
    const key = agentKeys.dayStartEquity(broker, day);
    return this.run(async () => {
      // Two days' life: long enough for the whole UTC day wherever the agent starts.
      await this.client.set(key, String(equity), "PX", 2 * 86_400_000, "NX");
      return Number(await this.client.get(key));
    });
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StreamUnavailableError(`Redis command failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
