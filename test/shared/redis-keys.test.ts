import { describe, expect, it } from "vitest";
import { BULLMQ_PREFIX, redisKey } from "../../services/shared/redis-keys.js";

describe("redisKey", () => {
  it("joins parts under the qm: prefix", () => {
    expect(redisKey("agent", "signals")).toBe("qm:agent:signals");
    expect(BULLMQ_PREFIX).toBe("qm:bull");
  });

  it("refuses a part that is empty or holds the separator", () => {
    expect(() => redisKey("agent", "")).toThrow(/invalid Redis key part ""/);
    expect(() => redisKey("a:b")).toThrow(/invalid Redis key part "a:b"/);
  });
});
