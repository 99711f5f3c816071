import { describe, expect, it } from "vitest";
import { agentKeys, BULLMQ_PREFIX, redisKey } from "../../services/shared/redis-keys.js";

describe("redisKey", () => {
  it("joins parts under the qm: prefix", () => {
    expect(redisKey("agent", "signals")).toBe("qm:agent:signals");
    expect(BULLMQ_PREFIX).toBe("qm:bull");
  });

  it("refuses a part that is empty or holds the separator", () => {
    expect(() => redisKey("agent", "")).toThrow(/invalid Redis key part ""/);
    expect(() => redisKey("a:b")).toThrow(/invalid Redis key part "a:b"/);
  });

  it("builds the agent's keys under qm:agent:", () => {
    expect(agentKeys.outcome("sig-1")).toBe("qm:agent:outcome:sig-1");
    expect(agentKeys.heartbeat("a1")).toBe("qm:agent:heartbeat:a1");
    expect(() => agentKeys.outcome("a:b")).toThrow(/invalid Redis key part/);
  });
});
