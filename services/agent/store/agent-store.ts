/**
 * The agent's small state beside the streams: each signal's recorded outcome (written once), the
 * kill switch, the heartbeat and each broker's equity at the start of the UTC day. Redis when
 * `REDIS_URL` is set, in process otherwise; one behavioural suite for both.
 */
export interface AgentStore {
  /** Records a signal's outcome unless one exists; true when this call recorded it. */
  recordOutcome(signalId: string, outcome: string): Promise<boolean>;
  getOutcome(signalId: string): Promise<string | undefined>;
  /**
   * What the agent reads before it routes a signal, in one round trip: the outcome recorded for
   * it, if any, and whether the kill switch is on now.
   */
  signalState(signalId: string): Promise<SignalState>;
  isKillSwitchOn(): Promise<boolean>;
  /** Turns the kill switch on or off; `reason` is kept for status reports. */
  setKillSwitch(on: boolean, reason?: string): Promise<void>;
  /** Marks this agent alive for `ttlMs`. */
  heartbeat(agentId: string, payload: string, ttlMs: number): Promise<void>;
  /**
   * The broker's equity at the start of `day` (YYYY-MM-DD, UTC): the first value offered for
   * that day wins, so a restarted agent keeps the morning's figure and the day's loss with it.
   * Once known, a day's figure never changes, so a backend may keep it without asking again.
   */
  dayStartEquity(broker: string, day: string, equity: number): Promise<number>;
  close(): Promise<void>;
}

export interface SignalState {
  /** The signal's recorded outcome (serialised), when it has one. */
  recorded: string | undefined;
  killSwitch: boolean;
}

/** How long an outcome is kept: long past any signal's time to live (at most a day). */
export const OUTCOME_TTL_MS = 7 * 86_400_000;
