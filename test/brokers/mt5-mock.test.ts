/** mt5_mock: the shared suite, plus what only a simulation can show (determinism, P&L, stops). */
import { describe, expect, it } from "vitest";
import { Mt5MockEntrySchema } from "../../services/brokers/config/schema.js";
import { Mt5MockBroker } from "../../services/brokers/mt5-mock/mt5-mock-broker.js";
import { clientId, expectCode, runBrokerSuite } from "./broker-suite.js";

const entry = (overrides: Record<string, unknown> = {}) => Mt5MockEntrySchema.parse({ kind: "mt5_mock", enabled: true, ...overrides });
const T0 = Date.UTC(2026, 11, 3, 10, 0);

runBrokerSuite("mt5_mock", {
  create: async (trading) => new Mt5MockBroker("mt5_mock", entry({ trading })),
  symbol: "EURUSD",
  quantity: 0.1,
  unaffordableQuantity: 99,
  supports: { positions: true, attachedStops: true },
});

describe("mt5_mock simulation", () => {
  it("gives the same ticks and bars for the same seed and clock, other prices for another seed", async () => {
    const a = new Mt5MockBroker("a", entry({ seed: 7 }), { now: () => T0 });
    const b = new Mt5MockBroker("b", entry({ seed: 7 }), { now: () => T0 });
    const c = new Mt5MockBroker("c", entry({ seed: 8 }), { now: () => T0 });
    expect(await a.getTick("EURUSD")).toEqual(await b.getTick("EURUSD"));
    const request = { symbol: "XAUUSD", timeframeMinutes: 15, startMs: T0 - 86_400_000, endMs: T0 };
    const bars = await a.getBars(request);
    expect(bars.time.length).toBe(97);
    expect(bars.close).toEqual((await b.getBars(request)).close);
    expect(bars.close).not.toEqual((await c.getBars(request)).close);
  });

  it("marks P&L to the moving price, realises it on close and keeps margin = notional / leverage", async () => {
    let now = T0;
    const broker = new Mt5MockBroker("m", entry({ trading: true, leverage: 50 }), { now: () => now });
    const placed = await broker.placeOrder({ clientOrderId: clientId(), symbol: "EURUSD", side: "buy", type: "market", quantity: 1 });
    const tick = await broker.getTick("EURUSD");
    expect(placed.averagePrice).toBe(tick.ask);
    const opened = await broker.getAccount();
    expect(opened.margin).toBeCloseTo((100_000 * tick.ask) / 50, 2);
    expect(opened.equity).toBeCloseTo(100_000 + (tick.bid - tick.ask) * 100_000, 2);
    now += 3 * 3_600_000;
    const later = await broker.getTick("EURUSD");
    expect(later.bid).not.toBe(tick.bid);
    const [position] = await broker.getPositions();
    expect(position!.unrealizedPnl).toBeCloseTo((later.bid - tick.ask) * 100_000, 2);
    await broker.closePosition(position!.id, { clientOrderId: clientId() });
    const closed = await broker.getAccount();
    expect(closed.balance).toBeCloseTo(100_000 + (later.bid - tick.ask) * 100_000, 2);
    expect(closed.margin).toBe(0);
    expect(closed.equity).toBe(closed.balance);
  });

  it("converts USDJPY P&L to the account currency", async () => {
    let now = T0;
    const broker = new Mt5MockBroker("m", entry({ trading: true }), { now: () => now });
    await broker.placeOrder({ clientOrderId: clientId(), symbol: "USDJPY", side: "sell", type: "market", quantity: 0.5 });
    const entryTick = await broker.getTick("USDJPY");
    now += 7_200_000;
    const exit = await broker.getTick("USDJPY");
    const [position] = await broker.getPositions("USDJPY");
    const mid = (exit.bid + exit.ask) / 2;
    expect(position!.unrealizedPnl).toBeCloseTo(((entryTick.bid - exit.ask) * 50_000) / mid, 0);
  });

  it("fills a resting limit order when the price reaches it, at its price", async () => {
    let now = T0;
    const broker = new Mt5MockBroker("m", entry({ trading: true }), { now: () => now });
    const start = await broker.getTick("EURUSD");
    // Find a later minute whose ask is lower, then rest a buy limit just above that ask.
    let target = now;
    let ask = start.ask;
    while (ask >= start.ask - 0.0003) {
      target += 60_000;
      now = target;
      ask = (await broker.getTick("EURUSD")).ask;
    }
    now = T0;
    const price = Number((ask + 0.00001).toFixed(5));
    const placed = await broker.placeOrder({ clientOrderId: clientId(), symbol: "EURUSD", side: "buy", type: "limit", quantity: 0.1, price });
    expect(placed.status).toBe("open");
    now = target;
    const order = await broker.findOrderByClientId(placed.clientOrderId);
    expect(order).toMatchObject({ status: "filled", averagePrice: price });
    expect((await broker.getPositions())[0]).toMatchObject({ openPrice: price, quantity: 0.1 });
  });

  it("closes a position at its stop-loss when the price crosses it", async () => {
    let now = T0;
    const broker = new Mt5MockBroker("m", entry({ trading: true }), { now: () => now });
    const start = await broker.getTick("EURUSD");
    await broker.placeOrder({ clientOrderId: clientId(), symbol: "EURUSD", side: "buy", type: "market", quantity: 0.1, stopLoss: start.bid - 0.0002 });
    for (let i = 0; i < 10_000 && (await broker.getPositions()).length > 0; i++) now += 60_000;
    expect(await broker.getPositions()).toEqual([]);
    expect((await broker.getAccount()).balance).toBeLessThan(100_000);
  });

  it("refuses bad volumes, prices on the wrong side and unknown tickets", async () => {
    const broker = new Mt5MockBroker("m", entry({ trading: true }), { now: () => T0 });
    const tick = await broker.getTick("EURUSD");
    const base = { symbol: "EURUSD", side: "buy", quantity: 0.1 } as const;
    await expectCode(broker.placeOrder({ ...base, clientOrderId: clientId(), type: "market", quantity: 0.015 }), "ORDER_REJECTED");
    await expectCode(broker.placeOrder({ ...base, clientOrderId: clientId(), type: "limit", price: tick.ask + 0.01 }), "ORDER_REJECTED");
    await expectCode(broker.placeOrder({ ...base, clientOrderId: clientId(), type: "stop", price: tick.ask - 0.01 }), "ORDER_REJECTED");
    await expectCode(broker.modifyOrder("999", { price: 1 }), "ORDER_NOT_FOUND");
    await expectCode(broker.closePosition("999", { clientOrderId: clientId() }), "ORDER_NOT_FOUND");
  });
});
