/**
 * The behavioural contract of AgentStore plus its outcome commit, run against Redis and the
 * in-process backends: an outcome is recorded once, published only by the commit that recorded
 * it, and its entry is acknowledged either way.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentStore } from "../../../services/agent/store/agent-store.js";
import type { OutcomeCommitter } from "../../../services/agent/store/outcome-commit.js";
import type { EventStreams } from "../../../services/agent/streams/event-streams.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../../services/shared/redis-keys.js";

export interface StoreHandle {
  streams: EventStreams;
  store: AgentStore;
  committer: OutcomeCommitter;
  cleanup: () => Promise<void>;
}

const payloads = (entries: { payload: string }[]) => entries.map((entry) => entry.payload);

export function describeStoreSuite(name: string, open: () => Promise<StoreHandle>): void {
  describe(`AgentStore suite: ${name}`, () => {
    let h: StoreHandle;
    beforeEach(async () => {
      h = await open();
      await h.streams.ensureGroup(agentKeys.signals, AGENT_CONSUMER_GROUP);
    });
    afterEach(() => h.cleanup());

    /** Appends `count` entries and reads them, so they are pending. */
    async function pending(count: number): Promise<string[]> {
      for (let i = 0; i < count; i++) await h.streams.append(agentKeys.signals, `entry-${i}`);
      const entries = await h.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "c", { count, blockMs: 0 });
      return entries.map((entry) => entry.id);
    }

    it("records, publishes and acknowledges in one commit", async () => {
      const [entryId] = await pending(1);
      expect(await h.committer.commitOutcome({ recordId: "s-1", outcome: '{"status":"placed"}', entryId: entryId!, event: '{"type":"fill"}' })).toEqual({ first: true });
      expect(await h.store.getOutcome("s-1")).toBe('{"status":"placed"}');
      expect(payloads(await h.streams.recent(agentKeys.events, 10))).toEqual(['{"type":"fill"}']);
      expect(await h.streams.recent(agentKeys.deadLetter, 10)).toEqual([]);
      expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
    });

    it("keeps the first outcome: a second commit reports it, acknowledges its entry and publishes nothing", async () => {
      const [first, second] = await pending(2);
      await h.committer.commitOutcome({ recordId: "s-2", outcome: "one", entryId: first!, event: "event-one" });
      expect(await h.committer.commitOutcome({ recordId: "s-2", outcome: "two", entryId: second!, event: "event-two" })).toEqual({ first: false, recorded: "one" });
      expect(await h.store.getOutcome("s-2")).toBe("one");
      expect(payloads(await h.streams.recent(agentKeys.events, 10))).toEqual(["event-one"]);
      expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
    });

    it("publishes a dead letter on both the dead-letter and the event stream", async () => {
      const [entryId] = await pending(1);
      await h.committer.commitOutcome({ recordId: "!entry-1", outcome: "dead", entryId: entryId!, event: "event", deadLetter: "letter" });
      expect(payloads(await h.streams.recent(agentKeys.deadLetter, 10))).toEqual(["letter"]);
      expect(payloads(await h.streams.recent(agentKeys.events, 10))).toEqual(["event"]);
    });

    it("reads a signal's recorded outcome and the kill switch together", async () => {
      expect(await h.store.signalState("s-3")).toEqual({ recorded: undefined, killSwitch: false });
      await h.store.setKillSwitch(true, "test");
      expect(await h.store.signalState("s-3")).toEqual({ recorded: undefined, killSwitch: true });
      const [entryId] = await pending(1);
      await h.committer.commitOutcome({ recordId: "s-3", outcome: "done", entryId: entryId!, event: "e" });
      await h.store.setKillSwitch(false);
      expect(await h.store.signalState("s-3")).toEqual({ recorded: "done", killSwitch: false });
    });

    it("reads the next signal's state after a commit, when asked, seeing that commit", async () => {
      const [a, b] = await pending(2);
      expect((await h.committer.commitOutcome({ recordId: "s-4", outcome: "four", entryId: a!, event: "e" })).next).toBeUndefined();
      await h.store.setKillSwitch(true, "test");
      // The same id next (a signal sent twice): its state shows the outcome just recorded.
      expect(await h.committer.commitOutcome({ recordId: "s-5", outcome: "five", entryId: b!, event: "e", nextSignalId: "s-5" })).toEqual({
        first: true,
        next: { recorded: "five", killSwitch: true },
      });
      await h.store.setKillSwitch(false);
      const [c] = await pending(1);
      expect(await h.committer.commitOutcome({ recordId: "s-4", outcome: "again", entryId: c!, event: "e", nextSignalId: "s-6" })).toEqual({
        first: false,
        recorded: "four",
        next: { recorded: undefined, killSwitch: false },
      });
    });

    it("keeps the first day-start equity offered per broker and UTC day, also after another day was asked", async () => {
      expect(await h.store.dayStartEquity("b1", "2026-12-03", 100)).toBe(100);
      expect(await h.store.dayStartEquity("b1", "2026-12-03", 50)).toBe(100);
      expect(await h.store.dayStartEquity("b2", "2026-12-03", 70)).toBe(70);
      expect(await h.store.dayStartEquity("b1", "2026-12-04", 80)).toBe(80);
      expect(await h.store.dayStartEquity("b1", "2026-12-03", 10)).toBe(100);
      expect(await h.store.dayStartEquity("b2", "2026-12-03", 10)).toBe(70);
    });
  });
}
