/**
 * `npm run bench -- brokers`: the brokers' own figures.
 * - mt5_mock order placement: market orders (each opens a position) and resting limit orders,
 *   one at a time through the Broker interface; target >= 10,000 orders/s.
 * - mt5_socket round trips through the whole Broker (Mt5SocketBroker -> pinned TLS -> the real
 *   Python bridge with the fake MetaTrader5 module, loopback): getTick and a market placeOrder;
 *   target p50 <= 1 ms, p99 <= 3 ms. The bridge's rate limit is raised for the run.
 */
import { Mt5MockEntrySchema } from "../services/brokers/config/schema.js";
import { Mt5MockBroker } from "../services/brokers/mt5-mock/mt5-mock-broker.js";
import { Mt5SocketBroker } from "../services/brokers/mt5-socket/mt5-socket-broker.js";
import { startBridge } from "../test/brokers/helpers/mt5-bridge.js";
import { formatLatency, machine, summarise } from "./lib/stats.js";

const MOCK_ORDERS = Number(process.env.BENCH_MOCK_ORDERS ?? 50_000);
const BRIDGE_CALLS = Number(process.env.BENCH_BRIDGE_CALLS ?? 2_000);

async function benchMock(type: "market" | "limit"): Promise<void> {
  const broker = new Mt5MockBroker("bench", Mt5MockEntrySchema.parse({ kind: "mt5_mock", trading: true, initial_balance: 1e12, leverage: 1000 }));
  const price = (await broker.getTick("EURUSD")).bid * 0.9;
  const warm = 1_000;
  for (let i = 0; i < warm; i++) await broker.placeOrder({ clientOrderId: `w${i}`, symbol: "EURUSD", side: "buy", type, quantity: 0.01, price });
  const started = performance.now();
  for (let i = 0; i < MOCK_ORDERS; i++) {
    await broker.placeOrder({ clientOrderId: `b${i}`, symbol: "EURUSD", side: i % 2 ? "buy" : "sell", type, quantity: 0.01, ...(type === "limit" ? { price, side: "buy" } : {}) });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`mt5_mock ${type} placeOrder: ${MOCK_ORDERS} orders in ${seconds.toFixed(2)} s = ${Math.round(MOCK_ORDERS / seconds).toLocaleString("en")} orders/s`);
}

async function benchBridge(): Promise<void> {
  const bridge = await startBridge({ config: { rate_per_s: 1e6, rate_burst: 1e6 } });
  const broker = new Mt5SocketBroker("bench", bridge.entry({ timeout: 10, max_retries: 0 }));
  try {
    for (let i = 0; i < 200; i++) await broker.getTick("EURUSD");
    const time = async (label: string, call: (i: number) => Promise<unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < BRIDGE_CALLS; i++) {
        const started = performance.now();
        await call(i);
        samples.push(performance.now() - started);
      }
      console.log(formatLatency(label, summarise(samples)));
    };
    await time("mt5_socket getTick (tick)", () => broker.getTick("EURUSD"));
    await time("mt5_socket getAccount (account_info)", () => broker.getAccount());
    const run = Date.now().toString(36);
    // Each order's position is closed (untimed) so the fake account's margin never runs out.
    const samples: number[] = [];
    for (let i = 0; i < BRIDGE_CALLS; i++) {
      const started = performance.now();
      const placed = await broker.placeOrder({ clientOrderId: `bench-${run}-${i}`, symbol: "EURUSD", side: "buy", type: "market", quantity: 0.01 });
      samples.push(performance.now() - started);
      await broker.closePosition(placed.positionId!, { clientOrderId: `close-${run}-${i}` });
    }
    console.log(formatLatency("mt5_socket placeOrder market (order_send with its idempotency look-up)", summarise(samples)));
  } finally {
    await broker.close();
    await bridge.remove();
  }
}

export async function benchBrokers(): Promise<void> {
  console.log(`machine: ${machine()}`);
  console.log(`date: ${new Date().toISOString()}`);
  await benchMock("market");
  await benchMock("limit");
  await benchBridge();
}
