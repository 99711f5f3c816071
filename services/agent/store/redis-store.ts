/**
 * The agent's state in Redis, under the keys of services/shared/redis-keys.ts. Outcomes are
 * written with SET NX, so two agents that both processed a redelivered signal record one outcome.
 * A signal costs at most two round trips here: one read before routing (its outcome and the kill
 * switch, one MGET) and one commit after (a script: acknowledge, record, publish), which also
 * reads the next signal's outcome and the kill switch when the agent has one waiting.
 */
import { Redis } from "ioredis";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../shared/redis-keys.js";
import { StreamUnavailableError } from "../errors.js";
import { waitReady } from "../streams/redis-streams.js";
import { OUTCOME_TTL_MS, type AgentStore, type SignalState } from "./agent-store.js";
import { COMMIT_OUTCOME_LUA } from "./commit-outcome.lua.js";
import { EVENTS_MAX_LEN, type CommitResult, type OutcomeCommit, type OutcomeCommitter } from "./outcome-commit.js";

type Scripts = Redis & {
  agentCommitOutcome(...args: string[]): Promise<[first: 0 | 1, recorded: string, hasNext: 0 | 1, nextRecorded: string, killSwitch: 0 | 1]>;
};

export class RedisAgentStore implements AgentStore, OutcomeCommitter {
  private readonly client: Scripts;
  /** Each broker's equity at the start of a UTC day, once read: it never changes (see dayStartEquity). */
  private readonly dayStart = new Map<string, { day: string; equity: number }>();

  constructor(options: { url: string; password?: string; commandTimeoutMs?: number }) {
    const client = new Redis(options.url, {
      password: options.password,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
      connectionName: "qm-agent-store",
    });
    client.on("error", () => undefined);
    // EVALSHA, falling back to EVAL once after a restart emptied the script cache.
    client.defineCommand("agentCommitOutcome", { numberOfKeys: 6, lua: COMMIT_OUTCOME_LUA });
    this.client = client as Scripts;
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

  async signalState(signalId: string): Promise<SignalState> {
    return this.run(async () => {
      const [recorded, killSwitch] = await this.client.mget(agentKeys.outcome(signalId), agentKeys.killSwitch);
      return { recorded: recorded ?? undefined, killSwitch: killSwitch !== null };
    });
  }

  async commitOutcome(commit: OutcomeCommit): Promise<CommitResult> {
    return this.run(async () => {
      const next = commit.nextSignalId;
      const [first, recorded, hasNext, nextRecorded, killSwitch] = await this.client.agentCommitOutcome(
        agentKeys.outcome(commit.recordId),
        agentKeys.signals,
        agentKeys.events,
        agentKeys.deadLetter,
        // Without a next signal the script reads nothing more; the key is named only to be declared.
        agentKeys.outcome(next ?? commit.recordId),
        agentKeys.killSwitch,
        commit.outcome,
        String(OUTCOME_TTL_MS),
        AGENT_CONSUMER_GROUP,
        commit.entryId,
        commit.event,
        String(EVENTS_MAX_LEN),
        commit.deadLetter ?? "",
        next === undefined ? "" : "1",
      );
      const result: CommitResult = first === 1 ? { first: true } : { first: false, recorded: recorded === "" ? undefined : recorded };
      if (hasNext === 1) result.next = { recorded: nextRecorded === "" ? undefined : nextRecorded, killSwitch: killSwitch === 1 };
      return result;
    });
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
    const known = this.dayStart.get(key);
    if (known !== undefined) return known.equity;
    return this.run(async () => {
      // Two days' life: long enough for the whole UTC day wherever the agent starts.
      await this.client.set(key, String(equity), "PX", 2 * 86_400_000, "NX");
      const value = Number(await this.client.get(key));
      // The first value offered for a day wins and never changes: keep it, and forget other days'.
      for (const [other, known] of this.dayStart) if (known.day !== day) this.dayStart.delete(other);
      if (Number.isFinite(value)) this.dayStart.set(key, { day, equity: value });
      return value;
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
