/** fd 3's result as the host collects it, whatever the chunking: header into a buffer, targets straight into their array. */
import { describe, expect, it } from "vitest";
import { parsePythonResult, ResultCollector } from "../../../services/backtest/sandbox/python/python-result.js";

function wire(header: object, targets: number[]): Buffer {
  const head = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([length, head, Buffer.from(Float64Array.from(targets).buffer)]);
}

const OK = { outcome: "ok", message: "", line: null, warmup: 2 };

describe("ResultCollector", () => {
  it("assembles the same result from one chunk, byte by byte, or split anywhere", () => {
    const bytes = wire(OK, [NaN, 1, -1, 0.5]);
    for (const size of [bytes.length, 1, 3, 7, 8, 9, 13]) {
      const collected = new ResultCollector(4, 1024);
      for (let i = 0; i < bytes.length; i += size) expect(collected.push(bytes.subarray(i, i + size))).toBe(true);
      let warmup = -1;
      expect(Array.from(parsePythonResult(collected, 256, undefined, (w) => (warmup = w)))).toEqual([NaN, 1, -1, 0.5]);
      expect(warmup).toBe(2);
    }
  });

  it("refuses more than n targets or an oversized header as it arrives, and names short or cut results", () => {
    expect(new ResultCollector(2, 1024).push(wire(OK, [1, 2, 3]))).toBe(false);
    const huge = Buffer.alloc(8);
    huge.writeBigUInt64LE(2n ** 40n);
    expect(new ResultCollector(2, 1024).push(huge)).toBe(false);
    const short = new ResultCollector(3, 1024);
    short.push(wire(OK, [1, 2]));
    expect(() => parsePythonResult(short, 256)).toThrow(expect.objectContaining({ code: "RUN_BAD_RESULT", message: expect.stringMatching(/2 targets for 3 bars/) }));
    const cut = new ResultCollector(2, 1024);
    cut.push(wire(OK, [1, 2]).subarray(0, 12));
    expect(() => parsePythonResult(cut, 256)).toThrow(/without a complete result/);
    const garbage = new ResultCollector(1, 1024);
    garbage.push(Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from("{x}")]));
    expect(() => parsePythonResult(garbage, 256)).toThrow(expect.objectContaining({ code: "SBX_FAILED" }));
  });
});
