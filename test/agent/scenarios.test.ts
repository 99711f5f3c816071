/**
 * The older design's router stress test (steady trend, flash crash, high noise), now with
 * assertions: every order the broker accepted is checked against the limits, and the limits that
 * should bite are seen to bite.
 */
import { describe, expect, it } from "vitest";
import type { SignalOutcome } from "../../services/agent/outcome.js";
import { createHarness, signal } from "./helpers/agent-harness.js";
import { ScenarioBroker } from "./helpers/scenario-broker.js";

const LIMITS = { max_position: 8, max_order_notional: 1500, max_daily_loss: 500 };

/** A seeded PRNG (mulberry32), so a scenario replays exactly. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunOptions {
  /** momentum (default): at or above the 10-step mean buy 3, below sell 3. reversion: at or below buy 3, above sell 3 (buys the dip). */
  strategy?: "momentum" | "reversion";
  beforeStep?: (step: number, h: Awaited<ReturnType<typeof createHarness>>) => Promise<void>;
}

/** Runs a strategy over `prices`, one signal a step. Returns every outcome, and the position after each accepted order. */
async function run(prices: number[], risk: unknown, options: RunOptions = {}) {
  const broker = new ScenarioBroker();
  const h = await createHarness([broker], risk);
  const outcomes: SignalOutcome[] = [];
  const positionsAfterOrders: number[] = [];
  for (let step = 0; step < prices.length; step++) {
    broker.price = prices[step]!;
    h.clock.now += 1000;
    await options.beforeStep?.(step, h);
    const window = prices.slice(Math.max(0, step - 10), step + 1);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    const accepted = broker.accepted.length;
    const price = prices[step]!;
    const buy = options.strategy === "reversion" ? price <= mean : price >= mean;
    const side = buy ? "buy" : "sell";
    const [result] = await h.send(signal(h.clock, { side, quantity: 3 }));
    outcomes.push(result!.outcome);
    if (broker.accepted.length > accepted) positionsAfterOrders.push(broker.net);
  }
  return { broker, outcomes, positionsAfterOrders };
}

function expectWithinLimits(broker: ScenarioBroker, positionsAfterOrders: number[]): void {
  for (const position of positionsAfterOrders) expect(Math.abs(position)).toBeLessThanOrEqual(LIMITS.max_position);
  for (const order of broker.accepted) expect(order.quantity * order.averagePrice!).toBeLessThanOrEqual(LIMITS.max_order_notional);
}

describe("market scenarios", () => {
  it("steady trend: builds the position up to the limit, then is refused by exactly the excess", async () => {
    const prices = Array.from({ length: 120 }, (_, i) => 100 + i * 0.25);
    const { broker, outcomes, positionsAfterOrders } = await run(prices, { defaults: LIMITS });
    expectWithinLimits(broker, positionsAfterOrders);
    expect(positionsAfterOrders.slice(0, 2)).toEqual([3, 6]);
    const refusals = outcomes.filter((o) => o.status === "refused");
    expect(refusals.length).toBeGreaterThan(100);
    // 6 + 3 = 9 against a limit of 8.
    expect(refusals.every((o) => o.status === "refused" && o.limit === "max_position" && o.excess === 1)).toBe(true);
  });

  it("flash crash: a dip-buyer's entries stop once the day's loss passes the limit; exits still pass", async () => {
    // Long 6 at 100 (the position limit), then a crash to 10: the loss passes 500 below about 16.7.
    const prices = [...Array(20).fill(100), 95, 80, 60, 40, 20, 12, 10, 11, 15, 30, 60, 90, 100, 100, ...Array(20).fill(101)];
    const { broker, outcomes } = await run(prices, { defaults: LIMITS }, { strategy: "reversion" });
    const firstLossRefusal = outcomes.findIndex((o) => o.status === "refused" && o.limit === "max_daily_loss");
    expect(firstLossRefusal).toBeGreaterThan(0);
    // From then on, no accepted order increased the absolute position.
    let position = 0;
    let index = 0;
    const acceptedBySignal = new Map(broker.accepted.map((o) => [o.clientOrderId, o]));
    for (const outcome of outcomes) {
      if (outcome.status === "placed") {
        const order = acceptedBySignal.get(outcome.client_order_id)!;
        const after = position + (order.side === "buy" ? order.quantity : -order.quantity);
        if (index > firstLossRefusal) expect(Math.abs(after)).toBeLessThan(Math.abs(position));
        position = after;
      }
      index++;
    }
    const refusal = outcomes[firstLossRefusal] as Extract<SignalOutcome, { status: "refused" }>;
    expect(refusal.message).toMatch(/^daily loss [\d.]+ reached the limit 500 \(by [\d.]+\): only exits pass$/);
    expect(refusal.excess).toBeGreaterThanOrEqual(0);
    expectWithinLimits(broker, []);
  });

  it("high noise: entries shrink with realised volatility, and no order breaks a limit", async () => {
    const next = random(42);
    let price = 100;
    const prices = Array.from({ length: 200 }, () => (price *= Math.exp((next() - 0.5) * 0.08)));
    const risk = { defaults: { ...LIMITS, max_daily_loss: 1e9, volatility: { target: 0.005, lookback: 20, min_scale: 0.34 } } };
    const { broker, outcomes, positionsAfterOrders } = await run(prices, risk);
    expectWithinLimits(broker, positionsAfterOrders);
    const placed = outcomes.filter((o): o is Extract<SignalOutcome, { status: "placed" }> => o.status === "placed");
    const scaled = placed.filter((o) => o.scale < 1);
    expect(scaled.length).toBeGreaterThan(10);
    // min_scale 0.34 of 3 units, rounded down to whole units: 1.
    for (const o of scaled) expect(o.quantity).toBe(Math.floor(3 * o.scale + 1e-9));
    expect(scaled.every((o) => o.scale >= 0.34)).toBe(true);
  });

  it("kill switch: everything stops from the very next signal", async () => {
    const prices = Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 3) * 2);
    const { outcomes } = await run(prices, { defaults: LIMITS }, {
      beforeStep: async (step, h) => {
        if (step === 30) await h.store.setKillSwitch(true);
      },
    });
    expect(outcomes.slice(0, 30).some((o) => o.status === "placed")).toBe(true);
    expect(outcomes.slice(30).every((o) => o.status === "refused" && o.limit === "kill_switch")).toBe(true);
  });
});
