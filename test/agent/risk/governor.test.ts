import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isExit, RiskGovernor, type OrderIntent } from "../../../services/agent/risk/governor.js";
import { RiskConfigSchema, resolveLimits } from "../../../services/agent/risk/limits.js";

const intent = (overrides: Partial<OrderIntent> = {}): OrderIntent => ({
  broker: "mock",
  symbol: "EURUSD",
  side: "buy",
  quantity: 1,
  price: 100,
  position: 0,
  dailyPnl: 0,
  killSwitch: false,
  ...overrides,
});

function governor(config: unknown, clock = { now: 1_000_000 }) {
  return { governor: new RiskGovernor(RiskConfigSchema.parse(config), () => clock.now), clock };
}

describe("resolveLimits", () => {
  it("lets a symbol override its broker, and the broker the defaults, field by field", () => {
    const config = RiskConfigSchema.parse({
      defaults: { max_position: 10, max_daily_loss: 500 },
      brokers: { mock: { max_position: 5, symbols: { EURUSD: { max_order_notional: 1000 } } } },
    });
    expect(resolveLimits(config, "mock", "EURUSD")).toEqual({ max_position: 5, max_daily_loss: 500, max_order_notional: 1000 });
    expect(resolveLimits(config, "mock", "GBPUSD")).toEqual({ max_position: 5, max_daily_loss: 500 });
    expect(resolveLimits(config, "other", "EURUSD")).toEqual({ max_position: 10, max_daily_loss: 500 });
  });

  it("refuses unknown limit names", () => {
    expect(() => RiskConfigSchema.parse({ defaults: { max_postion: 1 } })).toThrow(/max_postion/);
  });
});

describe("RiskGovernor", () => {
  it("refuses a position over the limit and says by how much", () => {
    const { governor: g } = governor({ defaults: { max_position: 10 } });
    expect(g.evaluate(intent({ quantity: 4, position: 6 }))).toMatchObject({ allowed: true, quantity: 4 });
    const refused = g.evaluate(intent({ quantity: 5, position: 8 }));
    expect(refused).toMatchObject({ allowed: false, limit: "max_position", excess: 3 });
    expect(refused.allowed === false && refused.message).toContain("over the limit 10 by 3");
    // Short side counts by absolute size.
    expect(g.evaluate(intent({ side: "sell", quantity: 12, position: 0 }))).toMatchObject({ limit: "max_position", excess: 2 });
  });

  it("refuses an order over the notional limit, counting the contract size", () => {
    const { governor: g } = governor({ defaults: { max_order_notional: 150_000 } });
    expect(g.evaluate(intent({ quantity: 1, price: 1.2, contractSize: 100_000 }))).toMatchObject({ allowed: true });
    expect(g.evaluate(intent({ quantity: 2, price: 1.2, contractSize: 100_000 }))).toMatchObject({ limit: "max_order_notional", excess: 90_000 });
  });

  it("lets only exits pass once the daily loss reaches the limit", () => {
    const { governor: g } = governor({ defaults: { max_daily_loss: 1000 } });
    expect(g.evaluate(intent({ dailyPnl: -999 }))).toMatchObject({ allowed: true });
    expect(g.evaluate(intent({ dailyPnl: -1250 }))).toMatchObject({ allowed: false, limit: "max_daily_loss", excess: 250 });
    expect(g.evaluate(intent({ dailyPnl: -1250, side: "sell", quantity: 2, position: 3 }))).toMatchObject({ allowed: true, exit: true });
    // Flipping through zero is a new entry, not an exit.
    expect(g.evaluate(intent({ dailyPnl: -1250, side: "sell", quantity: 5, position: 3 }))).toMatchObject({ limit: "max_daily_loss" });
  });

  it("keeps entries closed for the rest of the UTC day after the loss limit was hit, and reopens the next day", () => {
    const clock = { now: Date.UTC(2026, 11, 3, 23, 0) };
    const { governor: g } = governor({ defaults: { max_daily_loss: 1000 } }, clock);
    expect(g.evaluate(intent({ dailyPnl: -1000 }))).toMatchObject({ limit: "max_daily_loss", excess: 0 });
    const rebound = g.evaluate(intent({ dailyPnl: -10 }));
    expect(rebound).toMatchObject({ allowed: false, limit: "max_daily_loss" });
    expect(rebound.allowed === false && rebound.message).toBe("the daily loss limit 1000 was reached earlier today (now 10): only exits pass until 00:00 UTC");
    expect(g.evaluate(intent({ broker: "other", dailyPnl: -10 })).allowed).toBe(true);
    clock.now = Date.UTC(2026, 11, 4, 0, 0);
    expect(g.evaluate(intent({ dailyPnl: -10 })).allowed).toBe(true);
  });

  it("counts orders per broker and symbol in a sliding minute", () => {
    const { governor: g, clock } = governor({ defaults: { max_orders_per_minute: 2 } });
    expect(g.evaluate(intent()).allowed).toBe(true);
    clock.now += 30_000;
    expect(g.evaluate(intent()).allowed).toBe(true);
    expect(g.evaluate(intent())).toMatchObject({ limit: "max_orders_per_minute", excess: 1 });
    expect(g.evaluate(intent({ symbol: "GBPUSD" })).allowed).toBe(true);
    clock.now += 30_001; // the first order left the window
    expect(g.evaluate(intent()).allowed).toBe(true);
  });

  it("refuses everything while the kill switch is on, exits included", () => {
    const { governor: g } = governor({});
    expect(g.evaluate(intent({ killSwitch: true }))).toMatchObject({ allowed: false, limit: "kill_switch" });
    expect(g.evaluate(intent({ killSwitch: true, side: "sell", position: 1 }))).toMatchObject({ limit: "kill_switch" });
  });

  it("shrinks entries by target / realised volatility, rounded down to the step, never below min_scale", () => {
    const { governor: g } = governor({ defaults: { volatility: { target: 0.01, lookback: 4, min_scale: 0.25 } } });
    // Log returns alternating +-0.04: standard deviation 0.04, so the scale is 0.01 / 0.04 = 0.25.
    let price = 100;
    g.observePrice("mock", "EURUSD", price);
    for (const r of [0.04, -0.04, 0.04, -0.04]) g.observePrice("mock", "EURUSD", (price *= Math.exp(r)));
    const decision = g.evaluate(intent({ quantity: 10, quantityStep: 1 }));
    expect(decision).toMatchObject({ allowed: true, quantity: 2 });
    expect(decision.allowed && decision.scale).toBeCloseTo(0.25, 9);
    // Exits are never shrunk.
    expect(g.evaluate(intent({ side: "sell", quantity: 10, position: 10 }))).toMatchObject({ quantity: 10, scale: 1 });
    // Too few observations: no scaling.
    expect(g.evaluate(intent({ symbol: "GBPUSD", quantity: 10 }))).toMatchObject({ quantity: 10, scale: 1 });
  });

  it("opens the circuit breaker after repeated broker errors, probes once after the cool-down", () => {
    const { governor: g, clock } = governor({ defaults: { circuit_breaker: { max_errors: 3, window_ms: 10_000, cooldown_ms: 5_000 } } });
    for (let i = 0; i < 3; i++) g.recordBrokerError("mock");
    expect(g.evaluate(intent())).toMatchObject({ allowed: false, limit: "circuit_breaker", excess: 5_000 });
    clock.now += 5_000;
    expect(g.evaluate(intent()).allowed).toBe(true); // the probe
    expect(g.evaluate(intent())).toMatchObject({ limit: "circuit_breaker" }); // one probe at a time
    g.recordBrokerError("mock");
    expect(g.evaluate(intent())).toMatchObject({ limit: "circuit_breaker", excess: 5_000 });
    clock.now += 5_000;
    expect(g.evaluate(intent()).allowed).toBe(true);
    g.recordBrokerSuccess("mock");
    expect(g.evaluate(intent()).allowed).toBe(true);
  });

  it("forgets errors older than the window", () => {
    const { governor: g, clock } = governor({ defaults: { circuit_breaker: { max_errors: 2, window_ms: 1_000, cooldown_ms: 5_000 } } });
    g.recordBrokerError("mock");
    clock.now += 1_001;
    g.recordBrokerError("mock");
    expect(g.evaluate(intent()).allowed).toBe(true);
  });
});

describe("isExit", () => {
  it("is true exactly when the order shrinks the position without flipping it", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }), (position, order) => {
        const after = position + order;
        const expected = position !== 0 && order !== 0 && Math.abs(after) < Math.abs(position) && after * position >= 0;
        expect(isExit(position, order)).toBe(expected);
      }),
    );
  });
});
