/**
 * Binance spot endpoints (/api/v3) through ccxt's implicit methods. Stop orders are STOP_LOSS
 * (a market order once the stop price trades); modification is cancelReplace, keeping the
 * clientOrderId so the order can still be found by it.
 */
import { NotSupportedError, OrderNotFoundError, type Account, type Order, type OrderChanges, type OrderRequest, type Position } from "../broker.js";
import type { BinanceExchange } from "./exchange.js";
import { decimal, toOrder, type RawOrder, type RawSymbol } from "./mapping.js";
import type { BinanceMarket, BookTicker } from "./market.js";
import { binanceBody } from "./binance-errors.js";

/** Spot accounts are valued in this quote asset. */
const QUOTE = "USDT";

// ccxt types implicit methods loosely; this is the subset we call.
type Implicit = Record<string, (params?: Record<string, unknown>) => Promise<unknown>>;

export class SpotMarket implements BinanceMarket {
  readonly hasPositions = false;
  private readonly api: Implicit;

  constructor(exchange: BinanceExchange) {
    this.api = exchange as unknown as Implicit;
  }

  async symbolRules(symbol: string): Promise<RawSymbol | undefined> {
    const info = (await this.api.publicGetExchangeInfo!({ symbol })) as { symbols: RawSymbol[] };
    return info.symbols.find((s) => s.symbol === symbol);
  }

  async bookTicker(symbol: string): Promise<BookTicker> {
    const t = (await this.api.publicGetTickerBookTicker!({ symbol })) as { bidPrice: string; askPrice: string };
    return { bid: Number(t.bidPrice), ask: Number(t.askPrice), timeMs: Date.now() };
  }

  async klines(params: Record<string, unknown>): Promise<unknown[][]> {
    return (await this.api.publicGetKlines!(params)) as unknown[][];
  }

  /** Balance and equity count the quote asset (USDT) only; other assets are not valued. */
  async account(): Promise<Account> {
    const account = (await this.api.privateGetAccount!({ omitZeroBalances: "true" })) as { balances: { asset: string; free: string; locked: string }[] };
    const quote = account.balances.find((b) => b.asset === QUOTE);
    const free = Number(quote?.free ?? 0);
    const total = free + Number(quote?.locked ?? 0);
    return { accountId: "spot", currency: QUOTE, balance: total, equity: total, margin: 0, freeMargin: free, leverage: 1 };
  }

  async positions(): Promise<Position[]> {
    return [];
  }

  async newOrder(request: OrderRequest): Promise<Order> {
    if (request.stopLoss !== undefined || request.takeProfit !== undefined) {
      throw new NotSupportedError("Binance spot orders cannot carry a stop-loss or take-profit: place a separate stop order");
    }
    const raw = (await this.api.privatePostOrder!(this.orderParams(request))) as RawOrder;
    return toOrder(raw);
  }

  async orderByClientId(symbol: string, clientOrderId: string): Promise<Order | undefined> {
    try {
      return toOrder((await this.api.privateGetOrder!({ symbol, origClientOrderId: clientOrderId })) as RawOrder);
    } catch (error) {
      if (binanceBody(error)?.code === -2013) return undefined;
      throw error;
    }
  }

  async openOrders(symbol?: string): Promise<Order[]> {
    const raw = (await this.api.privateGetOpenOrders!(symbol === undefined ? {} : { symbol })) as RawOrder[];
    return raw.map(toOrder);
  }

  async cancel(order: Order): Promise<void> {
    await this.api.privateDeleteOrder!({ symbol: order.symbol, orderId: order.id });
  }

  async modify(order: Order, changes: OrderChanges): Promise<Order> {
    if (changes.stopLoss !== undefined || changes.takeProfit !== undefined) throw new NotSupportedError("Binance spot orders have no stop-loss or take-profit to modify");
    const request: OrderRequest = {
      clientOrderId: order.clientOrderId!,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity: order.quantity - order.filledQuantity,
      price: changes.price ?? order.price!,
    };
    const result = (await this.api.privatePostOrderCancelReplace!({
      ...this.orderParams(request),
      cancelReplaceMode: "STOP_ON_FAILURE",
      cancelOrderId: order.id,
    })) as { newOrderResponse?: RawOrder };
    if (!result.newOrderResponse) throw new OrderNotFoundError(`order ${order.id} could not be replaced`);
    return toOrder(result.newOrderResponse);
  }

  async closePosition(): Promise<Order> {
    throw new NotSupportedError("Binance spot has no positions: sell the asset with placeOrder");
  }

  private orderParams(request: OrderRequest): Record<string, unknown> {
    const base = { symbol: request.symbol, side: request.side.toUpperCase(), quantity: decimal(request.quantity), newClientOrderId: request.clientOrderId, newOrderRespType: "FULL" };
    if (request.type === "market") return { ...base, type: "MARKET" };
    if (request.type === "limit") return { ...base, type: "LIMIT", timeInForce: "GTC", price: decimal(request.price!) };
    return { ...base, type: "STOP_LOSS", stopPrice: decimal(request.price!) };
  }
}
