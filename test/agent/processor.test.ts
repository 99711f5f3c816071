import { describe, expect, it } from "vitest";
import { clientOrderId } from "../../services/agent/signal.js";
import { AGENT_CONSUMER_GROUP, agentKeys } from "../../services/shared/redis-keys.js";
import { createHarness, signal } from "./helpers/agent-harness.js";
import { ScenarioBroker } from "./helpers/scenario-broker.js";

describe("SignalProcessor", () => {
  it("places one order for a signal, records the outcome, publishes it and acknowledges", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const s = signal(h.clock, { quantity: 3 });
    const [result] = await h.send(s);
    expect(result!.outcome).toMatchObject({ status: "placed", client_order_id: clientOrderId(s.id), quantity: 3, duplicate: false });
    expect(broker.accepted).toHaveLength(1);
    expect(broker.accepted[0]!.request).toMatchObject({ clientOrderId: clientOrderId(s.id), side: "buy", quantity: 3, type: "market" });
    expect(JSON.parse((await h.store.getOutcome(s.id))!)).toEqual(result!.outcome);
    const [event] = await h.streams.recent(agentKeys.events, 1);
    expect(JSON.parse(event!.payload)).toMatchObject({ type: "fill", signal_id: s.id, status: "placed" });
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
  });

  it("gives a signal id sent twice one order and one outcome", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const s = signal(h.clock);
    const [first, second] = await h.send(s, s);
    expect(first!.first).toBe(true);
    expect(second).toEqual({ outcome: first!.outcome, first: false });
    expect(broker.placeCalls).toBe(1);
    expect(await h.streams.recent(agentKeys.events, 10)).toHaveLength(1);
  });

  it("dead-letters malformed, expired and unknown-broker signals with the reason", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const expired = signal(h.clock, { created_at: h.clock.now - 120_000, ttl_ms: 60_000 });
    const results = await h.send("{not json", JSON.stringify({ id: "x" }), expired, signal(h.clock, { broker: "nowhere" }), signal(h.clock, { quantity: -1 }));
    expect(results.map((r) => r.outcome)).toEqual([
      { status: "dead_letter", code: "SIGNAL_INVALID", reason: "signal is not JSON" },
      { status: "dead_letter", code: "SIGNAL_INVALID", reason: expect.stringMatching(/^signal field strategy: /) },
      { status: "dead_letter", signal_id: expired.id, code: "SIGNAL_EXPIRED", reason: `signal ${expired.id} expired 60000 ms ago (ttl 60000 ms)` },
      { status: "dead_letter", signal_id: expect.any(String), code: "UNKNOWN_BROKER", reason: "no enabled broker named nowhere (config/brokers.yaml)" },
      { status: "dead_letter", code: "SIGNAL_INVALID", reason: expect.stringMatching(/^signal field quantity: /) },
    ]);
    expect(broker.placeCalls).toBe(0);
    const dead = await h.streams.recent(agentKeys.deadLetter, 10);
    expect(dead).toHaveLength(5);
    expect(JSON.parse(dead[4]!.payload)).toMatchObject({ payload: "{not json", reason: "signal is not JSON" });
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
  });

  it("orders the difference to a target position, and nothing when it is held", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const results = await h.send(
      signal(h.clock, { side: undefined, quantity: undefined, target_position: 2 }),
      signal(h.clock, { side: undefined, quantity: undefined, target_position: 2 }),
      signal(h.clock, { side: undefined, quantity: undefined, target_position: -1 }),
    );
    expect(results.map((r) => r.outcome.status)).toEqual(["placed", "no_change", "placed"]);
    expect(broker.accepted.map((o) => [o.side, o.quantity])).toEqual([["buy", 2], ["sell", 3]]);
    expect(broker.net).toBe(-1);
  });

  it("retries a broker timeout with the same client order id and finds an order that went through", async () => {
    const broker = new ScenarioBroker();
    broker.failNextPlace.push("timeout-after");
    const h = await createHarness([broker]);
    const s = signal(h.clock);
    const [result] = await h.send(s);
    expect(result!.outcome).toMatchObject({ status: "placed", duplicate: true, client_order_id: clientOrderId(s.id) });
    expect(broker.accepted).toHaveLength(1);
  });

  it("sends again after timeouts that never reached the broker, one order in the end", async () => {
    const broker = new ScenarioBroker();
    broker.failNextPlace.push("timeout-before", "unavailable");
    const h = await createHarness([broker]);
    const [result] = await h.send(signal(h.clock));
    expect(result!.outcome).toMatchObject({ status: "placed", duplicate: false });
    expect(broker.placeCalls).toBe(3);
    expect(new Set(broker.accepted.map((o) => o.clientOrderId)).size).toBe(1);
    expect(broker.accepted).toHaveLength(1);
  });

  it("rejects after the last try when the broker holds no such order", async () => {
    const broker = new ScenarioBroker();
    broker.failNextPlace.push("timeout-before", "timeout-before", "timeout-before");
    const h = await createHarness([broker]);
    const [result] = await h.send(signal(h.clock));
    expect(result!.outcome).toMatchObject({ status: "rejected", code: "BROKER_TIMEOUT", message: expect.stringContaining("after 3 tries") });
    expect(broker.accepted).toHaveLength(0);
  });

  it("records a definite broker refusal before the order (unknown symbol) as rejected, not a stuck entry", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const [result] = await h.send(signal(h.clock, { symbol: "NOSUCH" }));
    expect(result!.outcome).toMatchObject({ status: "rejected", code: "SYMBOL_NOT_FOUND", message: 'broker scenario has no symbol "NOSUCH"' });
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(0);
    expect(broker.placeCalls).toBe(0);
  });

  it("leaves the entry pending, with no outcome, while the broker cannot even be asked", async () => {
    const broker = new ScenarioBroker();
    broker.down = true;
    const h = await createHarness([broker]);
    const s = signal(h.clock);
    await expect(h.send(s)).rejects.toThrow(/broker unreachable/);
    expect(await h.store.getOutcome(s.id)).toBeUndefined();
    expect(await h.streams.pendingCount(agentKeys.signals, AGENT_CONSUMER_GROUP)).toBe(1);
    // Back up: the redelivered entry asks the broker first, then places once.
    broker.down = false;
    const [entry] = await h.streams.claimStale(agentKeys.signals, AGENT_CONSUMER_GROUP, "rescuer", { minIdleMs: 0, count: 10 });
    const result = await h.processor.process(entry!, true);
    expect(result.outcome).toMatchObject({ status: "placed", duplicate: false });
    expect(broker.accepted).toHaveLength(1);
  });

  it("recognises, on redelivery, an order placed before a crash, without sending it again", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    const s = signal(h.clock, { created_at: h.clock.now - 10 * 60_000, ttl_ms: 1000 });
    await broker.placeOrder({ clientOrderId: clientOrderId(s.id), symbol: "EURUSD", side: "buy", type: "market", quantity: 1 });
    await h.streams.append(agentKeys.signals, JSON.stringify(s));
    const [entry] = await h.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "crashed", { count: 1, blockMs: 0 });
    // Even though the signal has expired since: the order exists, so the outcome is "placed".
    const result = await h.processor.process(entry!, true);
    expect(result.outcome).toMatchObject({ status: "placed", duplicate: true });
    expect(broker.placeCalls).toBe(1);
    // Asked with the symbol: Binance can only look an order up per symbol.
    expect(broker.lookups).toEqual([{ clientOrderId: clientOrderId(s.id), symbol: "EURUSD" }]);
  });

  it("refuses through the governor, naming the limit, and sends nothing", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker], { defaults: { max_position: 5 } });
    const [result] = await h.send(signal(h.clock, { quantity: 7 }));
    expect(result!.outcome).toMatchObject({ status: "refused", limit: "max_position", excess: 2 });
    expect(broker.placeCalls).toBe(0);
    const [event] = await h.streams.recent(agentKeys.events, 1);
    expect(JSON.parse(event!.payload)).toMatchObject({ type: "refusal", limit: "max_position" });
  });

  it("reads the kill switch again when the entry read ahead is processed late, not the stale state", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    for (const s of [signal(h.clock), signal(h.clock)]) await h.streams.append(agentKeys.signals, JSON.stringify(s));
    const [a, b] = await h.streams.readGroup(agentKeys.signals, AGENT_CONSUMER_GROUP, "test", { count: 2, blockMs: 0 });
    expect((await h.processor.process(a!, false, b)).outcome.status).toBe("placed");
    // b's state (kill switch off) was read with a's commit; b comes up only a second later.
    await h.store.setKillSwitch(true);
    h.clock.now += 1000;
    expect((await h.processor.process(b!, false)).outcome).toMatchObject({ status: "refused", limit: "kill_switch" });
    expect(broker.placeCalls).toBe(1);
  });

  it("refuses every signal once the kill switch is on, and trades again when it is off", async () => {
    const broker = new ScenarioBroker();
    const h = await createHarness([broker]);
    await h.store.setKillSwitch(true);
    const [refused] = await h.send(signal(h.clock));
    expect(refused!.outcome).toMatchObject({ status: "refused", limit: "kill_switch" });
    await h.store.setKillSwitch(false);
    const [placed] = await h.send(signal(h.clock));
    expect(placed!.outcome.status).toBe("placed");
  });
});
