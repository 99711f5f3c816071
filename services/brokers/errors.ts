/**
 * Broker errors. Each code is stable: the strategy agent and the risk governor branch on it
 * (retry, back off, stop trading), so a code is never renamed once it ships.
 *
 * `retryable` says whether sending the same request again may succeed. For an order it is only
 * safe with the same `clientOrderId`, and after a BROKER_TIMEOUT the order may or may not have
 * been placed: ask `findOrderByClientId` before sending it again.
 */
import { QuantMindError } from "../shared/errors.js";

export type BrokerErrorCode =
  | "TRADING_DISABLED"
  | "BROKER_TIMEOUT"
  | "BROKER_UNAVAILABLE"
  | "ORDER_REJECTED"
  | "INSUFFICIENT_FUNDS"
  | "RATE_LIMITED"
  | "CLOCK_SKEW"
  | "AUTH_FAILED"
  | "ORDER_NOT_FOUND"
  | "SYMBOL_NOT_FOUND"
  | "INVALID_ORDER"
  | "NOT_SUPPORTED"
  | "BROKER_PROTOCOL"
  | "BROKER_ERROR";

/** Base class: every error a `Broker` method throws is one of these. */
export class BrokerError extends QuantMindError {
  declare readonly code: BrokerErrorCode;
  /** True when the same call may succeed later (timeouts, rate limits, a lost connection). */
  readonly retryable: boolean;

  constructor(code: BrokerErrorCode, message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(code, message, options);
    this.retryable = options?.retryable ?? false;
  }
}

/** The broker entry is read-only (`trading` is not `true`): no order is sent. */
export class TradingDisabledError extends BrokerError {
  constructor(broker: string) {
    super("TRADING_DISABLED", `broker ${broker} is read-only: set trading: true in its config/brokers.yaml entry to send orders`);
  }
}

/** The broker did not answer within the timeout; an order's outcome is unknown. */
export class BrokerTimeoutError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("BROKER_TIMEOUT", message, { ...options, retryable: true });
  }
}

/** The broker cannot be reached (connection refused or lost, retries used up). */
export class BrokerUnavailableError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("BROKER_UNAVAILABLE", message, { ...options, retryable: true });
  }
}

/** The broker refused the order (market closed, invalid stops, unsupported filling, ...). */
export class OrderRejectedError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("ORDER_REJECTED", message, options);
  }
}

/** The account cannot cover the order's cost or margin. */
export class InsufficientFundsError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("INSUFFICIENT_FUNDS", message, options);
  }
}

/** The broker is throttling us; `retryAfterMs` is its hint when it gave one. */
export class RateLimitedError extends BrokerError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super("RATE_LIMITED", message, { ...options, retryable: true });
  }
}

/** Our clock and the broker's disagree by more than it accepts (Binance -1021). */
export class ClockSkewError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("CLOCK_SKEW", message, { ...options, retryable: true });
  }
}

/** The credentials were refused (bad key, signature, token or certificate pin). */
export class AuthFailedError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("AUTH_FAILED", message, options);
  }
}

/** No order or position has the given id. */
export class OrderNotFoundError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("ORDER_NOT_FOUND", message, options);
  }
}

/** The broker does not list the symbol. */
export class SymbolNotFoundError extends BrokerError {
  constructor(symbol: string, broker: string, options?: ErrorOptions) {
    super("SYMBOL_NOT_FOUND", `broker ${broker} has no symbol ${JSON.stringify(symbol)}`, options);
  }
}

/** The request is malformed before it reaches the broker (a limit order with no price, ...). */
export class InvalidOrderError extends BrokerError {
  constructor(message: string) {
    super("INVALID_ORDER", message);
  }
}

/** The broker kind cannot do this (e.g. stop-loss attached to a Binance spot order). */
export class NotSupportedError extends BrokerError {
  constructor(message: string) {
    super("NOT_SUPPORTED", message);
  }
}

/** The broker answered something we cannot understand (bad JSON, wrong shape, wrong id). */
export class BrokerProtocolError extends BrokerError {
  constructor(message: string, options?: ErrorOptions) {
    super("BROKER_PROTOCOL", message, options);
  }
}

/** Any other broker-side failure; the message carries the broker's own code and text. */
export class BrokerFailureError extends BrokerError {
  constructor(message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super("BROKER_ERROR", message, options);
  }
}
