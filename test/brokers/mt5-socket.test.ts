/**
 * Contract test: our mt5_socket client against the real Python bridge (fake MetaTrader5 module)
 * over TLS on loopback. The shared Broker suite, then what only a network bridge can get wrong:
 * tokens, replays, certificate pins, a bridge that dies mid-call, reconnects, timeouts.
 */
import { createHmac, randomBytes } from "node:crypto";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mt5SocketBroker } from "../../services/brokers/mt5-socket/mt5-socket-broker.js";
import { signEnvelope } from "../../services/brokers/mt5-socket/envelope.js";
import { rpcError } from "../../services/brokers/mt5-socket/rpc-errors.js";
import { clientId, expectCode, runBrokerSuite } from "./broker-suite.js";
import { makeCert, startBridge, type RunningBridge } from "./helpers/mt5-bridge.js";

let bridge: RunningBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(async () => {
  await bridge?.remove();
});

const brokerFor = (b: RunningBridge, overrides: Parameters<RunningBridge["entry"]>[0] = {}) =>
  new Mt5SocketBroker("mt5_socket", b.entry(overrides), { baseDelayMs: 20 });

runBrokerSuite("mt5_socket against the Python bridge over TLS", {
  create: async (trading) => brokerFor(bridge, { trading }),
  symbol: "EURUSD",
  quantity: 0.1,
  unaffordableQuantity: 50,
  supports: { positions: true, attachedStops: true },
});

/** Sends raw lines on a pinned TLS connection and returns the parsed answers. */
async function rawExchange(port: number, lines: string[]): Promise<{ id: unknown; error?: { code: number; message: string } }[]> {
  const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false });
  await new Promise((resolve) => socket.once("secureConnect", resolve));
  const answers: string[] = [];
  let buffer = "";
  const done = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      answers.push(...parts);
      if (answers.length >= lines.length) resolve();
    });
    socket.on("close", () => resolve());
  });
  for (const line of lines) socket.write(line);
  await done;
  socket.destroy();
  return answers.map((line) => JSON.parse(line) as { id: unknown; error?: { code: number; message: string } });
}

describe("mt5_socket contract", () => {
  it("signs envelopes exactly as the protocol's test vector says", () => {
    const line = signEnvelope("k".repeat(32), '{"jsonrpc":"2.0","id":1,"method":"health"}', 1_700_000_000_000, "0123456789abcdef0123456789abcdef");
    expect(JSON.parse(line)).toEqual({
      v: 1,
      ts: 1_700_000_000_000,
      nonce: "0123456789abcdef0123456789abcdef",
      sig: "56a19ada57fb499ae6a7f6bf4d2be53f400d834860c5f54a92db3dca81905759",
      body: '{"jsonrpc":"2.0","id":1,"method":"health"}',
    });
  });

  it("speaks every trading method: health, filling retry, a position's stops, a partial close, retcodes", async () => {
    const broker = brokerFor(bridge);
    try {
      expect(await broker.health()).toMatchObject({ reachable: true, detail: expect.stringContaining("terminal connected") });
      const account = await broker.getAccount();
      expect(account).toMatchObject({ accountId: "5001234", currency: "USD", leverage: 100 });
      const info = await broker.getSymbolInfo("GER40");
      expect(info).toMatchObject({ symbol: "GER40", quantityStep: 0.1, minQuantity: 0.1 });
      const opened = await broker.placeOrder({ clientOrderId: clientId("x"), symbol: "XAUUSD", side: "buy", type: "market", quantity: 0.2 });
      // XAUUSD's server refuses the first filling mode it advertises: the bridge retried.
      expect(opened).toMatchObject({ status: "filled", averagePrice: 2000.3, duplicate: false });
      const moved = await broker.modifyOrder(opened.positionId!, { stopLoss: 1990, takeProfit: 2010 });
      expect(moved).toMatchObject({ id: opened.positionId, status: "filled", stopLoss: 1990, takeProfit: 2010 });
      const partial = await broker.closePosition(opened.positionId!, { clientOrderId: clientId("p"), quantity: 0.05 });
      expect(partial).toMatchObject({ status: "filled", filledQuantity: 0.05, averagePrice: 2000 });
      expect((await broker.getPositions("XAUUSD")).find((p) => p.id === opened.positionId)?.quantity).toBeCloseTo(0.15, 8);
      const found = await broker.findOrderByClientId(partial.clientOrderId);
      expect(found).toMatchObject({ status: "filled", side: "sell", quantity: 0.05 });
      await expectCode(broker.placeOrder({ clientOrderId: clientId("c"), symbol: "US500", side: "buy", type: "market", quantity: 0.1 }), "ORDER_REJECTED");
      await expectCode(broker.placeOrder({ clientOrderId: clientId("v"), symbol: "EURUSD", side: "buy", type: "market", quantity: 0.015 }), "INVALID_ORDER");
    } finally {
      await broker.close();
    }
  });

  it("fails with AUTH_FAILED on a wrong token, and neither side prints the token", async () => {
    const broker = brokerFor(bridge, { token: "wrong-token-".padEnd(40, "x") });
    const error = await expectCode(broker.getAccount(), "AUTH_FAILED");
    expect(error.message).toMatch(/check the token/);
    expect(error.message).not.toContain("wrong-token");
    expect(bridge.log()).not.toContain(bridge.token);
    expect(bridge.log()).not.toContain("wrong-token");
    await broker.close();
  });

  it("is refused a replayed or stale request by the bridge, mapped to CLOCK_SKEW", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 7, method: "health", params: {} });
    const line = signEnvelope(bridge.token, body);
    const [first, replay] = await rawExchange(bridge.port, [line, line]);
    expect(first!.error).toBeUndefined();
    expect(replay).toMatchObject({ id: 7, error: { code: -32002 } });
    const [stale] = await rawExchange(bridge.port, [signEnvelope(bridge.token, body, Date.now() - 120_000)]);
    expect(stale!.error!.code).toBe(-32002);
    expect(rpcError("health", {}, stale!.error!).code).toBe("CLOCK_SKEW");
    // A forged signature (right shape, wrong key) is refused too.
    const ts = Date.now();
    const nonce = randomBytes(16).toString("hex");
    const sig = createHmac("sha256", "not-the-token").update(`${ts}\n${nonce}\n${body}`).digest("hex");
    const [forged] = await rawExchange(bridge.port, [`${JSON.stringify({ v: 1, ts, nonce, sig, body })}\n`]);
    expect(forged!.error!.code).toBe(-32001);
  });

  it("refuses a bridge whose certificate is not the pinned one, before sending anything", async () => {
    const other = makeCert(bridge.dir, "other");
    const broker = brokerFor(bridge, { cert_fingerprint: other.fingerprint, max_retries: 3 });
    const before = bridge.log().length;
    const error = await expectCode(broker.getAccount(), "AUTH_FAILED");
    expect(error.message).toMatch(/not the pinned one/);
    expect(bridge.log().slice(before)).not.toMatch(/account_info/);
    await broker.close();
  });

  it("retries with backoff when the bridge dies mid-call, then fails BROKER_UNAVAILABLE", async () => {
    const slow = await startBridge({ env: { FAKE_MT5_CALL_DELAY_MS: "2000" } });
    const broker = brokerFor(slow, { max_retries: 2, timeout: 10 });
    try {
      const started = Date.now();
      const call = broker.getAccount();
      await new Promise((resolve) => setTimeout(resolve, 400));
      await slow.stop();
      const error = await expectCode(call, "BROKER_UNAVAILABLE");
      expect(error.message).toMatch(/gave up after 3 tries/);
      expect(error.retryable).toBe(true);
      // Two backoffs (20-40 ms, then 40-80 ms) happened before giving up.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400 + 30);
    } finally {
      await broker.close();
      await slow.remove();
    }
  });

  it("reconnects when the bridge comes back, and a call waiting in backoff goes through", async () => {
    const flaky = await startBridge();
    const broker = new Mt5SocketBroker("mt5_socket", flaky.entry({ max_retries: 5 }), { baseDelayMs: 300 });
    try {
      expect((await broker.getAccount()).accountId).toBe("5001234");
      await flaky.stop();
      const call = broker.getTick("EURUSD");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await flaky.restart();
      expect((await call).bid).toBe(1.085);
      expect((await broker.getAccount()).balance).toBe(10_000);
    } finally {
      await broker.close();
      await flaky.remove();
    }
  });

  it("gives up with BROKER_TIMEOUT when every try outlasts the timeout", async () => {
    const slow = await startBridge({ env: { FAKE_MT5_CALL_DELAY_MS: "1500" } });
    const broker = brokerFor(slow, { timeout: 0.3, max_retries: 1 });
    try {
      const error = await expectCode(broker.getTick("EURUSD"), "BROKER_TIMEOUT");
      expect(error.message).toMatch(/did not answer tick within 300 ms \(gave up after 2 tries\)/);
      // The bridge is alive, only slow: a patient client gets its answer.
      const patient = brokerFor(slow, { timeout: 5 });
      expect((await patient.getTick("EURUSD")).ask).toBe(1.0851);
      await patient.close();
    } finally {
      await broker.close();
      await slow.remove();
    }
  });

  it("says BROKER_UNAVAILABLE when nothing listens", async () => {
    const broker = brokerFor(bridge, { vps_port: 1, max_retries: 1 });
    const error = await expectCode(broker.getAccount(), "BROKER_UNAVAILABLE");
    expect(error.message).toMatch(/cannot connect to the MT5 bridge at 127\.0\.0\.1:1 \(ECONNREFUSED\) \(gave up after 2 tries\)/);
    expect((await broker.health()).reachable).toBe(false);
  });
});
