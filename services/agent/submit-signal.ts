/**
 * Sends one signal the way a strategy does (append to the signal stream) and waits for the
 * outcome an agent records for it. Used by the MCP tool `submit_signal` and `quantmind agent signal`.
 */
import { agentKeys } from "../shared/redis-keys.js";
import type { SignalOutcome } from "./outcome.js";
import type { Signal } from "./signal.js";
import type { AgentStore } from "./store/agent-store.js";
import type { EventStreams } from "./streams/event-streams.js";

/** The outcome, or undefined when none was recorded within `waitMs` (the signal stays queued). */
export async function submitSignal(streams: EventStreams, store: AgentStore, signal: Signal, waitMs: number): Promise<SignalOutcome | undefined> {
  await streams.append(agentKeys.signals, JSON.stringify(signal));
  const deadline = Date.now() + waitMs;
  // Short first polls: an agent on the same host answers within a few milliseconds.
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    const recorded = await store.getOutcome(signal.id);
    if (recorded !== undefined) return JSON.parse(recorded) as SignalOutcome;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
