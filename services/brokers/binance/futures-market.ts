/**
 * Binance USD-M futures endpoints (/fapi) through ccxt's implicit methods, one-way position mode.
 * Since Binance moved conditional orders to its Algo service, a stop order is a CONDITIONAL
 * STOP_MARKET algo order (/fapi/v1/algoOrder, as ccxt 4.5.84's createOrder does); its id here is
 * `algo-<algoId>`. A position's id is its symbol (one-way mode: one position per symbol).
 */
import { NotSupportedError, type Account, type Order, type OrderChanges, type OrderRequest, type OrderStatus, type Position } from "../broker.js";
import { binanceBody } from "./binance-errors.js";
import type { BinanceExchange } from "./exchange.js";
import { decimal, toOrder, type RawOrder, type RawSymbol } from "./mapping.js";
import type { BinanceMarket, BookTicker } from "./market.js";

type Implicit = Record<string, (params?: Record<string, unknown>) => Promise<unknown>>;

interface RawAlgoOrder {
  algoId: number;
  clientAlgoId: string;
  orderType: string;
  symbol: string;
  side: "BUY" | "SELL";
  quantity: string;
  triggerPrice: string;
  algoStatus: string;
  createTime: number;
}

const ALGO_PREFIX = "algo-";
const ALGO_STATUS: Record<string, OrderStatus> = { NEW: "open", CANCELED: "cancelled", EXPIRED: "expired", REJECTED: "rejected", TRIGGERED: "filled", FINISHED: "filled" };

function algoToOrder(raw: RawAlgoOrder): Order {
  const status = ALGO_STATUS[raw.algoStatus] ?? "open";
  return {
    id: `${ALGO_PREFIX}${raw.algoId}`,
    clientOrderId: raw.clientAlgoId,
    symbol: raw.symbol,
    side: raw.side === "BUY" ? "buy" : "sell",
    type: "stop",
    status,
    quantity: Number(raw.quantity),
    filledQuantity: status === "filled" ? Number(raw.quantity) : 0,
    price: Number(raw.triggerPrice),
    createdAtMs: raw.createTime,
  };
}

export class FuturesMarket implements BinanceMarket {
  readonly hasPositions = true;
  private readonly api: Implicit;

  constructor(exchange: BinanceExchange) {
    this.api = exchange as unknown as Implicit;
  }

  async symbolRules(symbol: string): Promise<RawSymbol | undefined> {
    const info = (await this.api.fapiPublicGetExchangeInfo!()) as { symbols: RawSymbol[] };
    return info.symbols.find((s) => s.symbol === symbol);
  }

  async bookTicker(symbol: string): Promise<BookTicker> {
    const t = (await this.api.fapiPublicGetTickerBookTicker!({ symbol })) as { bidPrice: string; askPrice: string; time: number };
    return { bid: Number(t.bidPrice), ask: Number(t.askPrice), timeMs: t.time };
  }

  async klines(params: Record<string, unknown>): Promise<unknown[][]> {
    return (await this.api.fapiPublicGetKlines!(params)) as unknown[][];
  }

  async account(): Promise<Account> {
    const a = (await this.api.fapiPrivateV3GetAccount!()) as Record<string, string>;
    return {
      accountId: "usdm-futures",
      currency: "USDT",
      balance: Number(a.totalWalletBalance),
      equity: Number(a.totalMarginBalance),
      margin: Number(a.totalInitialMargin),
      freeMargin: Number(a.availableBalance),
      // Leverage is per symbol on futures; the account has none of its own.
      leverage: 1,
    };
  }

  async positions(symbol?: string): Promise<Position[]> {
    const raw = (await this.api.fapiPrivateV3GetPositionRisk!(symbol === undefined ? {} : { symbol })) as Record<string, string | number>[];
    return raw
      .filter((p) => Number(p.positionAmt) !== 0)
      .map((p) => ({
        id: String(p.symbol),
        symbol: String(p.symbol),
        side: Number(p.positionAmt) > 0 ? ("buy" as const) : ("sell" as const),
        quantity: Math.abs(Number(p.positionAmt)),
        openPrice: Number(p.entryPrice),
        currentPrice: Number(p.markPrice),
        unrealizedPnl: Number(p.unRealizedProfit),
        openTimeMs: Number(p.updateTime),
      }));
  }

  async newOrder(request: OrderRequest): Promise<Order> {
    if (request.stopLoss !== undefined || request.takeProfit !== undefined) {
      throw new NotSupportedError("attached stop-loss/take-profit is not supported on Binance futures: place a stop order against the position");
    }
    const base = { symbol: request.symbol, side: request.side.toUpperCase(), quantity: decimal(request.quantity) };
    if (request.type === "stop") {
      const raw = (await this.api.fapiPrivatePostAlgoOrder!({ ...base, algoType: "CONDITIONAL", type: "STOP_MARKET", triggerPrice: decimal(request.price!), clientAlgoId: request.clientOrderId })) as RawAlgoOrder;
      return algoToOrder(raw);
    }
    const params = request.type === "market" ? { ...base, type: "MARKET" } : { ...base, type: "LIMIT", timeInForce: "GTC", price: decimal(request.price!) };
    return toOrder((await this.api.fapiPrivatePostOrder!({ ...params, newClientOrderId: request.clientOrderId, newOrderRespType: "RESULT" })) as RawOrder);
  }

  async orderByClientId(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      return toOrder((await this.api.fapiPrivateGetOrder!({ symbol, origClientOrderId: clientOrderId })) as RawOrder);
    } catch (error) {
      if (binanceBody(error)?.code !== -2013) throw error;
    }
    try {
      return algoToOrder((await this.api.fapiPrivateGetAlgoOrder!({ clientAlgoId: clientOrderId })) as RawAlgoOrder);
    } catch (error) {
      if (binanceBody(error)?.code === -2013) return undefined;
      throw error;
    }
  }

  async openOrders(symbol?: string): Promise<Order[]> {
    const params = symbol === undefined ? {} : { symbol };
    const [regular, algo] = await Promise.all([this.api.fapiPrivateGetOpenOrders!(params), this.api.fapiPrivateGetOpenAlgoOrders!(params)]);
    return [...(regular as RawOrder[]).map(toOrder), ...(algo as RawAlgoOrder[]).map(algoToOrder)];
  }

  async cancel(order: Order): Promise<void> {
    if (order.id.startsWith(ALGO_PREFIX)) await this.api.fapiPrivateDeleteAlgoOrder!({ algoId: order.id.slice(ALGO_PREFIX.length) });
    else await this.api.fapiPrivateDeleteOrder!({ symbol: order.symbol, orderId: order.id });
  }

  async modify(order: Order, changes: OrderChanges): Promise<Order> {
    if (changes.stopLoss !== undefined || changes.takeProfit !== undefined) throw new NotSupportedError("Binance futures orders have no attached stop-loss or take-profit");
    if (order.id.startsWith(ALGO_PREFIX)) {
      // Algo orders cannot be amended: cancel, then place the same client id at the new trigger.
      await this.cancel(order);
      return this.newOrder({ clientOrderId: order.clientOrderId!, symbol: order.symbol, side: order.side, type: "stop", quantity: order.quantity, price: changes.price ?? order.price! });
    }
    const raw = (await this.api.fapiPrivatePutOrder!({
      symbol: order.symbol,
      orderId: order.id,
      side: order.side.toUpperCase(),
      quantity: decimal(order.quantity),
      price: decimal(changes.price ?? order.price!),
    })) as RawOrder;
    return toOrder(raw);
  }

  async closePosition(position: Position, quantity: number, clientOrderId: string): Promise<Order> {
    const raw = (await this.api.fapiPrivatePostOrder!({
      symbol: position.symbol,
      side: position.side === "buy" ? "SELL" : "BUY",
      type: "MARKET",
      quantity: decimal(quantity),
      reduceOnly: "true",
      newClientOrderId: clientOrderId,
      newOrderRespType: "RESULT",
    })) as RawOrder;
    return toOrder(raw);
  }
}
