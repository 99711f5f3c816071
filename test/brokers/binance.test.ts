/**
 * binance_spot and binance_futures through ccxt 4.5.84, against a local stand-in that checks
 * Binance's protocol (signature, key header, timestamp, recvWindow, client order ids, error codes).
 * The URLs ccxt would use for testnet are asserted first; only then are they pointed at 127.0.0.1.
 */
import ccxt from "ccxt";
import { afterAll, describe, expect, it } from "vitest";
import { BinanceBroker } from "../../services/brokers/binance/binance-broker.js";
import { apiUrls, createExchange } from "../../services/brokers/binance/exchange.js";
import { BinanceSpotEntrySchema, BinanceFuturesEntrySchema } from "../../services/brokers/config/schema.js";
import { clientId, expectCode, runBrokerSuite } from "./broker-suite.js";
import { startBinanceStandIn, type BinanceStandIn } from "./helpers/binance-stand-in.js";

const KEY = "stand-in-api-key-0123456789";
const SECRET = "stand-in-api-secret-abcdefghij";
const standIns: BinanceStandIn[] = [];
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()));
});

const entry = (kind: "binance_spot" | "binance_futures", overrides: Record<string, unknown> = {}) =>
  (kind === "binance_spot" ? BinanceSpotEntrySchema : BinanceFuturesEntrySchema).parse({ kind, enabled: true, trading: true, api_key: KEY, api_secret: SECRET, testnet: true, ...overrides });

async function connected(kind: "binance_spot" | "binance_futures", overrides: Record<string, unknown> = {}) {
  const standIn = await startBinanceStandIn(KEY, SECRET);
  standIns.push(standIn);
  const broker = new BinanceBroker(kind, entry(kind, overrides), { rewriteUrl: standIn.rewrite });
  return { standIn, broker };
}

describe("Binance testnet URLs (what ccxt 4.5.84 would call)", () => {
  it("spot testnet is the sandbox, testnet.binance.vision; live is api.binance.com", () => {
    expect(apiUrls(createExchange(entry("binance_spot")))).toMatchObject({ public: "https://testnet.binance.vision/api/v3", private: "https://testnet.binance.vision/api/v3" });
    expect(apiUrls(createExchange(entry("binance_spot", { testnet: false })))).toMatchObject({ private: "https://api.binance.com/api/v3" });
  });

  it("futures testnet is demo trading, demo-fapi.binance.com, because ccxt refuses the retired futures sandbox", async () => {
    expect(apiUrls(createExchange(entry("binance_futures")))).toMatchObject({
      fapiPublic: "https://demo-fapi.binance.com/fapi/v1",
      fapiPrivate: "https://demo-fapi.binance.com/fapi/v1",
      fapiPrivateV3: "https://demo-fapi.binance.com/fapi/v3",
    });
    expect(apiUrls(createExchange(entry("binance_futures", { testnet: false })))).toMatchObject({ fapiPrivate: "https://fapi.binance.com/fapi/v1" });
    // The old design's choice: sandbox mode points futures at testnet.binancefuture.com, which
    // ccxt 4.5.84 refuses before sending anything.
    const sandbox = new ccxt.binanceusdm({ apiKey: KEY, secret: SECRET });
    sandbox.setSandboxMode(true);
    expect((sandbox.urls.api as Record<string, string>).fapiPrivate).toBe("https://testnet.binancefuture.com/fapi/v1");
    await expect(sandbox.fapiPrivateV3GetAccount()).rejects.toThrow(/not supported for futures anymore/);
  });
});

for (const kind of ["binance_spot", "binance_futures"] as const) {
  runBrokerSuite(`${kind} against the Binance stand-in`, {
    create: async (trading) => (await connected(kind, { trading })).broker,
    symbol: "BTCUSDT",
    quantity: 0.01,
    unaffordableQuantity: 5,
    supports: { positions: kind === "binance_futures", attachedStops: false },
  });

  describe(`${kind} protocol`, () => {
    const prefix = kind === "binance_spot" ? "/api/v3" : "/fapi/v1";

    it("signs every private request with the key header, timestamp and recvWindow, and sends our newClientOrderId", async () => {
      const { standIn, broker } = await connected(kind, { recv_window: 7000 });
      const id = clientId("sig");
      await broker.placeOrder({ clientOrderId: id, symbol: "BTCUSDT", side: "buy", type: "market", quantity: 0.001 });
      await broker.getAccount();
      const signed = standIn.state.requests.filter((r) => r.signed);
      expect(signed.length).toBeGreaterThanOrEqual(3);
      for (const request of signed) {
        expect(request.headers["x-mbx-apikey"]).toBe(KEY);
        expect(request.params.get("recvWindow")).toBe("7000");
        expect(Math.abs(Number(request.params.get("timestamp")) - Date.now())).toBeLessThan(10_000);
      }
      const post = standIn.state.requests.filter((r) => r.method === "POST" && r.path === `${prefix}/order`);
      expect(post).toHaveLength(1);
      expect(post[0]!.params.get("newClientOrderId")).toBe(id);
      expect(post[0]!.params.get("quantity")).toBe("0.001");
      await broker.close();
    });

    it("places one order when a second process sends a filled order's id again", async () => {
      const { standIn, broker } = await connected(kind);
      const request = { clientOrderId: clientId("re"), symbol: "BTCUSDT", side: "buy", type: "market", quantity: 0.01 } as const;
      const first = await broker.placeOrder(request);
      const restarted = new BinanceBroker(kind, entry(kind), { rewriteUrl: standIn.rewrite });
      const again = await restarted.placeOrder(request);
      expect(again).toMatchObject({ orderId: first.orderId, duplicate: true, status: "filled" });
      expect(standIn.state.orders.filter((o) => o.clientOrderId === request.clientOrderId)).toHaveLength(1);
      await Promise.all([broker.close(), restarted.close()]);
    });

    it("answers Binance's -2010 duplicate with the existing order", async () => {
      const { standIn, broker } = await connected(kind);
      const other = new BinanceBroker(kind, entry(kind), { rewriteUrl: standIn.rewrite });
      const tick = await broker.getTick("BTCUSDT");
      const request = { clientOrderId: clientId("dup"), symbol: "BTCUSDT", side: "buy", type: "limit", quantity: 0.01, price: Math.round(tick.bid * 0.8) } as const;
      const first = await other.placeOrder(request);
      // Our look-up misses (as if the other process's order landed just after it): Binance refuses the send.
      const realGet = standIn.state.newest.bind(standIn.state);
      let misses = 1;
      standIn.state.newest = (id, symbol) => (misses-- > 0 ? undefined : realGet(id, symbol));
      const again = await broker.placeOrder(request);
      expect(again).toMatchObject({ orderId: first.orderId, duplicate: true, status: "open" });
      expect(standIn.state.requests.filter((r) => r.method === "POST" && r.path === `${prefix}/order`)).toHaveLength(2);
      await Promise.all([broker.close(), other.close()]);
    });

    it("maps -1021 to CLOCK_SKEW, -1003 to RATE_LIMITED, -1022/-2015 to AUTH_FAILED, -2010/-2019 to INSUFFICIENT_FUNDS, without secrets", async () => {
      const { standIn, broker } = await connected(kind);
      standIn.state.clockOffsetMs = -60_000;
      const skew = await expectCode(broker.getAccount(), "CLOCK_SKEW");
      expect(skew.message).toMatch(/Binance -1021.*sync it/);
      standIn.state.clockOffsetMs = 0;
      standIn.state.weightLimit = 0;
      const limited = await expectCode(broker.getAccount(), "RATE_LIMITED");
      expect(limited.retryable).toBe(true);
      standIn.state.weightLimit = Number.POSITIVE_INFINITY;
      const wrongSecret = new BinanceBroker(kind, entry(kind, { api_secret: "a-wrong-secret-value" }), { rewriteUrl: standIn.rewrite });
      const badSignature = await expectCode(wrongSecret.getAccount(), "AUTH_FAILED");
      expect(badSignature.message).toMatch(/-1022/);
      const wrongKey = new BinanceBroker(kind, entry(kind, { api_key: "a-wrong-api-key-value" }), { rewriteUrl: standIn.rewrite });
      await expectCode(wrongKey.getAccount(), "AUTH_FAILED");
      const poor = await expectCode(broker.placeOrder({ clientOrderId: clientId("poor"), symbol: "BTCUSDT", side: "buy", type: "market", quantity: 5 }), "INSUFFICIENT_FUNDS");
      for (const error of [skew, limited, badSignature, poor]) {
        for (const secret of [KEY, SECRET, "a-wrong-secret-value"]) expect(error.message).not.toContain(secret);
      }
      await Promise.all([broker.close(), wrongSecret.close(), wrongKey.close()]);
    });

    it("says BROKER_UNAVAILABLE when Binance cannot be reached", async () => {
      const broker = new BinanceBroker(kind, entry(kind, { timeout: 2 }), { rewriteUrl: (url) => url.replace(/^https:\/\/[^/]+/, "http://127.0.0.1:1") });
      await expectCode(broker.getAccount(), "BROKER_UNAVAILABLE");
      expect((await broker.health()).reachable).toBe(false);
      await broker.close();
    });
  });
}
