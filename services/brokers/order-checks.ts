/**
 * Checks every broker kind makes before an order leaves the process: trading enabled, and a
 * well-formed request. Broker-specific limits (volume step, price filters) stay with the broker.
 */
import { CLIENT_ORDER_ID_PATTERN, InvalidOrderError, TradingDisabledError, type OrderRequest } from "./broker.js";

/** Throws TRADING_DISABLED unless the broker entry enabled trading. */
export function assertTrading(broker: { name: string; trading: boolean }): void {
  if (!broker.trading) throw new TradingDisabledError(broker.name);
}

/** Throws INVALID_ORDER naming the first thing wrong with `request`. */
export function validateOrderRequest(request: OrderRequest): void {
  if (typeof request.clientOrderId !== "string" || !CLIENT_ORDER_ID_PATTERN.test(request.clientOrderId)) {
    throw new InvalidOrderError("clientOrderId must be 1-31 characters of letters, digits, _ or -");
  }
  if (typeof request.symbol !== "string" || !/^[A-Za-z0-9._/-]{1,32}$/.test(request.symbol)) {
    throw new InvalidOrderError(`order ${request.clientOrderId}: symbol must be 1-32 characters of letters, digits, . _ / -`);
  }
  if (request.side !== "buy" && request.side !== "sell") throw new InvalidOrderError(`order ${request.clientOrderId}: side must be buy or sell`);
  if (!["market", "limit", "stop"].includes(request.type)) {
    throw new InvalidOrderError(`order ${request.clientOrderId}: type must be market, limit or stop`);
  }
  positive(request.quantity, "quantity", request.clientOrderId);
  if (request.type !== "market") {
    if (request.price === undefined) throw new InvalidOrderError(`order ${request.clientOrderId}: a ${request.type} order needs a price`);
    positive(request.price, "price", request.clientOrderId);
  }
  if (request.stopLoss !== undefined) positive(request.stopLoss, "stopLoss", request.clientOrderId);
  if (request.takeProfit !== undefined) positive(request.takeProfit, "takeProfit", request.clientOrderId);
  // With a known entry price the stops can be checked here; a market order's waits for the fill price.
  if (request.type !== "market" && !stopsAreValid(request.side, request.price!, request.stopLoss, request.takeProfit)) {
    throw new InvalidOrderError(`order ${request.clientOrderId}: a ${request.side}'s stop-loss must be ${request.side === "buy" ? "below" : "above"} and its take-profit ${request.side === "buy" ? "above" : "below"} the price ${request.price}`);
  }
}

function positive(value: unknown, field: string, id: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOrderError(`order ${id}: ${field} must be a positive number`);
  }
}

/** Whether stops sit on the right side of the entry: below it for a buy, above for a sell. */
export function stopsAreValid(side: OrderRequest["side"], entry: number, stopLoss?: number, takeProfit?: number): boolean {
  const sign = side === "buy" ? 1 : -1;
  if (stopLoss !== undefined && sign * (entry - stopLoss) <= 0) return false;
  if (takeProfit !== undefined && sign * (takeProfit - entry) <= 0) return false;
  return true;
}
