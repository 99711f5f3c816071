/**
 * The one behavioural suite every `Broker` passes: mt5_mock, the Binance stand-ins (spot and
 * futures) and the mt5_socket client against the real Python bridge. A broker kind that cannot
 * do something (positions on spot) says so in `supports`, and the suite checks it refuses
 * clearly instead.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Broker, BrokerError, OrderRequest } from "../../services/brokers/broker.js";

export interface BrokerSuiteTarget {
  /** A fresh broker (fresh account) with trading on or off. */
  create(trading: boolean): Promise<Broker>;
  symbol: string;
  /** A quantity the account can afford and the symbol accepts. */
  quantity: number;
  /** A quantity the account cannot afford. */
  unaffordableQuantity: number;
  supports: {
    /** Market orders open positions that closePosition closes (MT5, futures). */
    positions: boolean;
    /** stopLoss / takeProfit attached to an order. */
    attachedStops: boolean;
  };
}

let ids = 0;
/** A clientOrderId unique within the run. */
export function clientId(prefix = "t"): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(ids++).toString(36)}`.slice(0, 31);
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<BrokerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a ${code} error`).toBeDefined();
  expect((error as BrokerError).code, String((error as Error).message)).toBe(code);
  return error as BrokerError;
}

export function runBrokerSuite(label: string, target: BrokerSuiteTarget): void {
  describe(`Broker behaviour: ${label}`, () => {
    const open: Broker[] = [];
    const make = async (trading = true) => {
      const broker = await target.create(trading);
      open.push(broker);
      await broker.connect();
      return broker;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((broker) => broker.close()));
    });

    const away = async (broker: Broker, request: Partial<OrderRequest> & Pick<OrderRequest, "side" | "type">): Promise<OrderRequest> => {
      const tick = await broker.getTick(target.symbol);
      const info = await broker.getSymbolInfo(target.symbol);
      // Far enough from the market that it rests: limits 10% through, stops 10% beyond.
      const below = request.side === "buy" ? request.type === "limit" : request.type === "stop";
      const raw = below ? tick.bid * 0.9 : tick.ask * 1.1;
      const price = Math.round(raw / info.tickSize) * info.tickSize;
      return { clientOrderId: clientId(), symbol: target.symbol, quantity: target.quantity, price: Number(price.toFixed(info.digits)), ...request };
    };

    it("reports the account, the symbol, a tick and columnar bars", async () => {
      const broker = await make();
      const account = await broker.getAccount();
      expect(account.equity).toBeGreaterThan(0);
      expect(Number.isFinite(account.freeMargin)).toBe(true);
      expect(account.currency).toMatch(/^[A-Z]{3,5}$/);
      const info = await broker.getSymbolInfo(target.symbol);
      expect(info.symbol).toBe(target.symbol);
      expect(info.minQuantity).toBeGreaterThan(0);
      expect(info.tickSize).toBeGreaterThan(0);
      const tick = await broker.getTick(target.symbol);
      expect(tick.bid).toBeGreaterThan(0);
      expect(tick.ask).toBeGreaterThanOrEqual(tick.bid);
      const endMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const bars = await broker.getBars({ symbol: target.symbol, timeframeMinutes: 60, startMs: endMs - 9 * 3_600_000, endMs });
      expect(bars.time).toBeInstanceOf(Float64Array);
      expect(bars.close).toBeInstanceOf(Float64Array);
      expect(bars.time.length).toBeGreaterThan(0);
      for (const column of [bars.open, bars.high, bars.low, bars.close, bars.volume]) expect(column.length).toBe(bars.time.length);
      for (let i = 0; i < bars.time.length; i++) {
        expect(bars.time[i]).toBeGreaterThanOrEqual(endMs - 9 * 3_600_000);
        expect(bars.time[i]).toBeLessThanOrEqual(endMs);
        if (i > 0) expect(bars.time[i]).toBeGreaterThan(bars.time[i - 1]!);
        expect(bars.high[i]).toBeGreaterThanOrEqual(Math.max(bars.open[i]!, bars.close[i]!));
        expect(bars.low[i]).toBeLessThanOrEqual(Math.min(bars.open[i]!, bars.close[i]!));
      }
    });

    it("refuses an unknown symbol with SYMBOL_NOT_FOUND", async () => {
      const broker = await make();
      await expectCode(broker.getTick("NOSUCH"), "SYMBOL_NOT_FOUND");
      await expectCode(broker.getSymbolInfo("NOSUCH"), "SYMBOL_NOT_FOUND");
    });

    it("fills a market order once, however often its clientOrderId is sent", async () => {
      const broker = await make();
      const request: OrderRequest = { clientOrderId: clientId("m"), symbol: target.symbol, side: "buy", type: "market", quantity: target.quantity };
      const [first, concurrent] = await Promise.all([broker.placeOrder(request), broker.placeOrder(request)]);
      const again = await broker.placeOrder(request);
      expect(first.status).toBe("filled");
      expect(first.filledQuantity).toBeCloseTo(target.quantity, 8);
      expect(first.averagePrice).toBeGreaterThan(0);
      expect([first.duplicate, concurrent.duplicate].sort()).toEqual([false, true]);
      expect(concurrent.orderId).toBe(first.orderId);
      expect(again).toMatchObject({ orderId: first.orderId, duplicate: true });
      const found = await broker.findOrderByClientId(request.clientOrderId, target.symbol);
      expect(found).toMatchObject({ id: first.orderId, clientOrderId: request.clientOrderId, status: "filled", symbol: target.symbol, side: "buy" });
      if (target.supports.positions) {
        const positions = (await broker.getPositions(target.symbol)).filter((p) => p.id === first.positionId || p.clientOrderId === request.clientOrderId);
        expect(positions.reduce((sum, p) => sum + p.quantity, 0)).toBeCloseTo(target.quantity, 8);
      }
    });

    it("answers undefined for a clientOrderId it never saw", async () => {
      const broker = await make();
      expect(await broker.findOrderByClientId(clientId("none"), target.symbol)).toBeUndefined();
    });

    for (const type of ["limit", "stop"] as const) {
      it(`rests a ${type} order, modifies and cancels it`, async () => {
        const broker = await make();
        const request = await away(broker, { side: "buy", type });
        const placed = await broker.placeOrder(request);
        expect(placed).toMatchObject({ status: "open", filledQuantity: 0, duplicate: false });
        const listed = await broker.getOpenOrders(target.symbol);
        expect(listed.find((o) => o.id === placed.orderId)).toMatchObject({ clientOrderId: request.clientOrderId, type, side: "buy", price: request.price });
        const moved = Number((request.price! * (type === "limit" ? 0.99 : 1.01)).toFixed(2));
        const modified = await broker.modifyOrder(placed.orderId, { price: moved });
        expect(modified.price).toBeCloseTo(moved, 2);
        expect((await broker.getOpenOrders(target.symbol)).find((o) => o.clientOrderId === request.clientOrderId)?.price).toBeCloseTo(moved, 2);
        await broker.cancelOrder(modified.id);
        expect((await broker.getOpenOrders(target.symbol)).some((o) => o.clientOrderId === request.clientOrderId)).toBe(false);
        // MT5 forgets a cancelled order's comment (the bridge finds positions, orders and deals).
        expect((await broker.findOrderByClientId(request.clientOrderId, target.symbol))?.status ?? "cancelled").toBe("cancelled");
        await expectCode(broker.cancelOrder(modified.id), "ORDER_NOT_FOUND");
      });
    }

    it("refuses every order with TRADING_DISABLED when trading is off, and sends nothing", async () => {
      const broker = await make(false);
      expect(broker.trading).toBe(false);
      const request: OrderRequest = { clientOrderId: clientId("ro"), symbol: target.symbol, side: "buy", type: "market", quantity: target.quantity };
      const error = await expectCode(broker.placeOrder(request), "TRADING_DISABLED");
      expect(error.message).toContain(broker.name);
      await expectCode(broker.cancelOrder("1"), "TRADING_DISABLED");
      await expectCode(broker.modifyOrder("1", { price: 1 }), "TRADING_DISABLED");
      await expectCode(broker.closePosition("1", { clientOrderId: clientId() }), "TRADING_DISABLED");
      expect(await broker.findOrderByClientId(request.clientOrderId, target.symbol)).toBeUndefined();
      expect((await broker.getAccount()).equity).toBeGreaterThan(0);
    });

    it("refuses malformed orders with INVALID_ORDER before sending them", async () => {
      const broker = await make();
      const base = { symbol: target.symbol, side: "buy", quantity: target.quantity } as const;
      await expectCode(broker.placeOrder({ ...base, clientOrderId: clientId(), type: "limit" }), "INVALID_ORDER");
      await expectCode(broker.placeOrder({ ...base, clientOrderId: "has space", type: "market" }), "INVALID_ORDER");
      await expectCode(broker.placeOrder({ ...base, clientOrderId: clientId(), type: "market", quantity: -1 }), "INVALID_ORDER");
    });

    it("refuses an order the account cannot pay for with INSUFFICIENT_FUNDS", async () => {
      const broker = await make();
      const request: OrderRequest = { clientOrderId: clientId("big"), symbol: target.symbol, side: "buy", type: "market", quantity: target.unaffordableQuantity };
      await expectCode(broker.placeOrder(request), "INSUFFICIENT_FUNDS");
      expect((await broker.findOrderByClientId(request.clientOrderId, target.symbol))?.status ?? "none").not.toBe("filled");
    });

    if (target.supports.positions) {
      it("closes a position once per clientOrderId", async () => {
        const broker = await make();
        const opened = await broker.placeOrder({ clientOrderId: clientId("o"), symbol: target.symbol, side: "sell", type: "market", quantity: target.quantity });
        const position = (await broker.getPositions(target.symbol)).find((p) => p.side === "sell");
        expect(position).toBeDefined();
        expect(position!.quantity).toBeCloseTo(target.quantity, 8);
        expect(opened.positionId === undefined || opened.positionId === position!.id).toBe(true);
        const closeId = clientId("c");
        const closed = await broker.closePosition(position!.id, { clientOrderId: closeId });
        expect(closed).toMatchObject({ status: "filled", duplicate: false });
        expect((await broker.closePosition(position!.id, { clientOrderId: closeId })).duplicate).toBe(true);
        expect((await broker.getPositions(target.symbol)).some((p) => p.id === position!.id && p.side === "sell")).toBe(false);
        await expectCode(broker.closePosition(position!.id, { clientOrderId: clientId("c2") }), "ORDER_NOT_FOUND");
      });
    } else {
      it("refuses closePosition with NOT_SUPPORTED (no positions)", async () => {
        const broker = await make();
        expect(await broker.getPositions()).toEqual([]);
        await expectCode(broker.closePosition("1", { clientOrderId: clientId() }), "NOT_SUPPORTED");
      });
    }

    if (target.supports.attachedStops) {
      it("attaches stop-loss and take-profit to a market order, and refuses a stop on the wrong side of a limit", async () => {
        const broker = await make();
        const tick = await broker.getTick(target.symbol);
        const info = await broker.getSymbolInfo(target.symbol);
        const sl = Number((tick.bid * 0.95).toFixed(info.digits));
        const tp = Number((tick.ask * 1.05).toFixed(info.digits));
        const placed = await broker.placeOrder({ clientOrderId: clientId("s"), symbol: target.symbol, side: "buy", type: "market", quantity: target.quantity, stopLoss: sl, takeProfit: tp });
        const position = (await broker.getPositions(target.symbol)).find((p) => p.id === placed.positionId);
        expect(position).toMatchObject({ stopLoss: sl, takeProfit: tp });
        const limit = await away(broker, { side: "buy", type: "limit" });
        await expectCode(broker.placeOrder({ ...limit, stopLoss: limit.price! * 1.01 }), "INVALID_ORDER");
      });
    } else {
      it("refuses attached stop-loss with NOT_SUPPORTED", async () => {
        const broker = await make();
        const tick = await broker.getTick(target.symbol);
        await expectCode(
          broker.placeOrder({ clientOrderId: clientId(), symbol: target.symbol, side: "buy", type: "market", quantity: target.quantity, stopLoss: tick.bid * 0.9 }),
          "NOT_SUPPORTED",
        );
      });
    }
  });
}
