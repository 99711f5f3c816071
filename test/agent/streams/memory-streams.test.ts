import { describe, expect, it } from "vitest";
import { MemoryStreams } from "../../../services/agent/streams/memory-streams.js";
import { describeStreamSuite } from "./stream-suite.js";

describeStreamSuite("in-process", async () => {
  const streams = new MemoryStreams();
  return { streams, cleanup: () => streams.close() };
});

describe("MemoryStreams", () => {
  it("names the missing group", async () => {
    const streams = new MemoryStreams();
    await expect(streams.readGroup("s", "nope", "c", { count: 1, blockMs: 0 })).rejects.toThrow(/no consumer group nope on stream s/);
  });

  it("releases a blocked reader on close", async () => {
    const streams = new MemoryStreams();
    await streams.ensureGroup("s", "g");
    const waiting = streams.readGroup("s", "g", "c", { count: 1, blockMs: 60_000 });
    await streams.close();
    expect(await waiting).toEqual([]);
  });
});
