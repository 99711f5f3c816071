/** The agent's state in process, for `REDIS_URL` unset. */
import type { AgentStore, SignalState } from "./agent-store.js";

export class MemoryAgentStore implements AgentStore {
  private readonly outcomes = new Map<string, string>();
  private readonly dayStart = new Map<string, number>();
  private killSwitch = false;
  readonly heartbeats = new Map<string, { payload: string; expiresAt: number }>();

  async recordOutcome(signalId: string, outcome: string): Promise<boolean> {
    if (this.outcomes.has(signalId)) return false;
    this.outcomes.set(signalId, outcome);
    return true;
  }

  async getOutcome(signalId: string): Promise<string | undefined> {
    return this.outcomes.get(signalId);
  }

  async signalState(signalId: string): Promise<SignalState> {
    return { recorded: this.outcomes.get(signalId), killSwitch: this.killSwitch };
  }

  async isKillSwitchOn(): Promise<boolean> {
    return this.killSwitch;
  }

  async setKillSwitch(on: boolean): Promise<void> {
    this.killSwitch = on;
  }

  async heartbeat(agentId: string, payload: string, ttlMs: number): Promise<void> {
    this.heartbeats.set(agentId, { payload, expiresAt: Date.now() + ttlMs });
  }

  async dayStartEquity(broker: string, day: string, equity: number): Promise<number> {
    const key = `${broker}\u0000${day}`;
    if (!this.dayStart.has(key)) this.dayStart.set(key, equity);
    return this.dayStart.get(key)!;
  }

  async close(): Promise<void> {}
}
