/**
 * The line a queue worker logs each minute is what the aws metric filter turns into the metric
 * its scaling follows: its message, `queue` and `depth` fields must match the filter's pattern.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { QUEUE_DEPTH_LOG_MESSAGE, reportQueueDepth } from "../../services/shared/queue-depth-report.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines };
}

describe("reportQueueDepth", () => {
  it("logs the waiting count at once and then every interval, until stopped", async () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = capture();
      let waiting = 3;
      const stop = reportQueueDepth({ depth: async () => ({ waiting }) }, "backtest", logger, 1000);
      await vi.advanceTimersByTimeAsync(0);
      waiting = 7;
      await vi.advanceTimersByTimeAsync(1000);
      stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(lines.map((l) => [l["msg"], l["queue"], l["depth"]])).toEqual([
        [QUEUE_DEPTH_LOG_MESSAGE, "backtest", 3],
        [QUEUE_DEPTH_LOG_MESSAGE, "backtest", 7],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("warns once while the queue cannot be read, and reports again when it can", async () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = capture();
      let down = true;
      const stop = reportQueueDepth({ depth: async () => (down ? Promise.reject(new Error("connect ECONNREFUSED")) : { waiting: 2 }) }, "backtest", logger, 1000);
      await vi.advanceTimersByTimeAsync(2500);
      down = false;
      await vi.advanceTimersByTimeAsync(1000);
      stop();
      expect(lines.map((l) => l["msg"])).toEqual(["queue depth unavailable", QUEUE_DEPTH_LOG_MESSAGE]);
      expect(lines[1]?.["depth"]).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
