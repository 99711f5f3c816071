/**
 * The behavioural contract of EventStreams, run against Redis Streams and the in-process copy.
 * Every expectation follows from consumer-group semantics (at-least-once, pending until
 * acknowledged, claim after idle), not from either backend's output.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventStreams } from "../../../services/agent/streams/event-streams.js";

export interface StreamsHandle {
  streams: EventStreams;
  cleanup: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const payloads = (entries: { payload: string }[]) => entries.map((entry) => entry.payload);

export function describeStreamSuite(name: string, open: () => Promise<StreamsHandle>): void {
  describe(`EventStreams suite: ${name}`, () => {
    let handle: StreamsHandle;
    let streams: EventStreams;
    let stream: string;
    beforeEach(async () => {
      handle = await open();
      streams = handle.streams;
      stream = `qm:test:${Math.random().toString(36).slice(2)}`;
      await streams.ensureGroup(stream, "g");
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    it("delivers entries in order, each once per group, and to a new group from the start", async () => {
      for (const n of [1, 2, 3]) await streams.append(stream, `p${n}`);
      expect(payloads(await streams.readGroup(stream, "g", "c1", { count: 2, blockMs: 0 }))).toEqual(["p1", "p2"]);
      expect(payloads(await streams.readGroup(stream, "g", "c2", { count: 10, blockMs: 0 }))).toEqual(["p3"]);
      expect(await streams.readGroup(stream, "g", "c1", { count: 10, blockMs: 0 })).toEqual([]);
      await streams.ensureGroup(stream, "g"); // idempotent: does not rewind the group
      expect(await streams.readGroup(stream, "g", "c1", { count: 10, blockMs: 0 })).toEqual([]);
      await streams.ensureGroup(stream, "other");
      expect(payloads(await streams.readGroup(stream, "other", "c1", { count: 10, blockMs: 0 }))).toEqual(["p1", "p2", "p3"]);
    });

    it("gives entries increasing ids", async () => {
      const ids = [];
      for (let n = 0; n < 20; n++) ids.push(await streams.append(stream, String(n)));
      const order = (id: string) => id.split("-").map(Number) as [number, number];
      for (let i = 1; i < ids.length; i++) {
        const [ms0, seq0] = order(ids[i - 1]!);
        const [ms1, seq1] = order(ids[i]!);
        expect(ms1 > ms0 || (ms1 === ms0 && seq1 > seq0)).toBe(true);
      }
    });

    it("keeps read entries pending until acknowledged", async () => {
      await streams.append(stream, "a");
      await streams.append(stream, "b");
      const read = await streams.readGroup(stream, "g", "c1", { count: 10, blockMs: 0 });
      expect(await streams.pendingCount(stream, "g")).toBe(2);
      await streams.ack(stream, "g", [read[0]!.id]);
      expect(await streams.pendingCount(stream, "g")).toBe(1);
      await streams.ack(stream, "g", [read[1]!.id, read[1]!.id]);
      expect(await streams.pendingCount(stream, "g")).toBe(0);
    });

    it("lets another consumer claim entries left pending past the idle time, and only those", async () => {
      await streams.append(stream, "old");
      await streams.readGroup(stream, "g", "crashed", { count: 1, blockMs: 0 });
      await sleep(150);
      await streams.append(stream, "fresh");
      await streams.readGroup(stream, "g", "alive", { count: 1, blockMs: 0 });
      const claimed = await streams.claimStale(stream, "g", "rescuer", { minIdleMs: 100, count: 10 });
      expect(payloads(claimed)).toEqual(["old"]);
      // Claiming resets the idle time: an immediate second claim finds nothing.
      expect(await streams.claimStale(stream, "g", "other", { minIdleMs: 100, count: 10 })).toEqual([]);
      await streams.ack(stream, "g", [claimed[0]!.id]);
      expect(await streams.pendingCount(stream, "g")).toBe(1);
    });

    it("wakes a blocked reader when an entry arrives, and returns nothing after the block time", async () => {
      const started = Date.now();
      expect(await streams.readGroup(stream, "g", "c1", { count: 1, blockMs: 100 })).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);

      const waiting = streams.readGroup(stream, "g", "c1", { count: 1, blockMs: 5000 });
      await sleep(50);
      const appendedAt = Date.now();
      await streams.append(stream, "late");
      expect(payloads(await waiting)).toEqual(["late"]);
      expect(Date.now() - appendedAt).toBeLessThan(1000);
    });

    it("trims past maxLen, keeping the newest, and lists recent entries newest first", async () => {
      for (let n = 0; n < 1000; n++) await streams.append(stream, String(n), { maxLen: 100 });
      const recent = await streams.recent(stream, 1000);
      // Redis trims whole macro nodes with `~`: at least maxLen stay, far fewer than appended.
      expect(recent.length).toBeGreaterThanOrEqual(100);
      expect(recent.length).toBeLessThan(500);
      expect(payloads(recent.slice(0, 3))).toEqual(["999", "998", "997"]);
    });
  });
}
