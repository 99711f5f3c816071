/**
 * Maps what ccxt throws for Binance to our codes: Binance's own error code first (ccxt keeps the
 * response body in its message), ccxt's error class when the body had none. The message is
 * rebuilt from the code and Binance's text only, never ccxt's, which can carry request URLs.
 */
import ccxt from "ccxt";
import {
  AuthFailedError,
  BrokerFailureError,
  BrokerTimeoutError,
  BrokerUnavailableError,
  ClockSkewError,
  InsufficientFundsError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  SymbolNotFoundError,
  type BrokerError,
} from "../broker.js";
import { scrubSecrets } from "../../shared/logger.js";

export interface BinanceErrorBody {
  code: number;
  msg: string;
}

/** The `{"code":..,"msg":..}` Binance sent, when ccxt's message holds one. */
export function binanceBody(error: unknown): BinanceErrorBody | undefined {
  const message = error instanceof Error ? error.message : "";
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    const body = JSON.parse(message.slice(start)) as Partial<BinanceErrorBody>;
    return typeof body.code === "number" ? { code: body.code, msg: String(body.msg ?? "") } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether Binance refused a newClientOrderId because an order already has it. */
export function isDuplicateOrder(error: unknown): boolean {
  const body = binanceBody(error);
  return body !== undefined && ((body.code === -2010 && /duplicate/i.test(body.msg)) || body.code === -4116);
}

export function toBrokerError(error: unknown, context: { broker: string; action: string; symbol?: string }): BrokerError {
  const body = binanceBody(error);
  const text = body ? `${body.msg} (Binance ${body.code})` : error instanceof Error ? error.message.replace(/^binance(usdm)?\s*/, "").split(" http")[0]! : "unknown error";
  const message = scrubSecrets(`${context.broker} ${context.action}: ${text}`);
  switch (body?.code) {
    case -1021:
      return new ClockSkewError(`${message}: this host's clock is off from Binance's by more than recv_window; sync it (NTP)`);
    case -1003:
    case -1015:
      return new RateLimitedError(message);
    case -1022:
    case -2014:
    case -2015:
    case -2008:
      return new AuthFailedError(message);
    case -1121:
      return new SymbolNotFoundError(context.symbol ?? "?", context.broker);
    case -2013:
    case -2011:
      return new OrderNotFoundError(message);
    case -2018:
    case -2019:
      return new InsufficientFundsError(message);
    case -2010:
      return /insufficient balance/i.test(body.msg) ? new InsufficientFundsError(message) : new OrderRejectedError(message);
    default:
  }
  if (body && body.code <= -1100 && body.code > -1200) return new OrderRejectedError(message);
  if (body && body.code <= -2000 && body.code > -5000) return new OrderRejectedError(message);
  if (error instanceof ccxt.InsufficientFunds) return new InsufficientFundsError(message);
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection) return new RateLimitedError(message);
  if (error instanceof ccxt.InvalidNonce) return new ClockSkewError(message);
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.PermissionDenied) return new AuthFailedError(message);
  if (error instanceof ccxt.OrderNotFound) return new OrderNotFoundError(message);
  if (error instanceof ccxt.BadSymbol) return new SymbolNotFoundError(context.symbol ?? "?", context.broker);
  if (error instanceof ccxt.InvalidOrder) return new OrderRejectedError(message);
  if (error instanceof ccxt.RequestTimeout) return new BrokerTimeoutError(message);
  if (error instanceof ccxt.NetworkError) return new BrokerUnavailableError(message);
  return new BrokerFailureError(message);
}
