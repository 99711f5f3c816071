/**
 * Maps the bridge's JSON-RPC errors (docs/mt5-bridge-protocol.md, "Responses") and MT5 trade
 * retcodes to our stable broker codes. The bridge's message is kept: it names the field or the
 * retcode, and carries no secret (the bridge never echoes the token).
 */
import {
  AuthFailedError,
  BrokerFailureError,
  BrokerProtocolError,
  BrokerTimeoutError,
  BrokerUnavailableError,
  ClockSkewError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  SymbolNotFoundError,
  type BrokerError,
} from "../broker.js";

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: { retcode?: number | null; last_error?: [number, string] | null; comment?: string; reason?: string; stage?: string; log?: string } | null;
}

/**
 * A Strategy Tester failure (`-32012`, the tester_run method): the stage that failed
 * (`compile`, `run` or `report`) and the compiler's or terminal's log, for the backtest service
 * to tell a compile error (with its line) from a tester that timed out or wrote no report.
 */
export class TesterFailureError extends BrokerFailureError {
  constructor(
    message: string,
    readonly stage: string,
    readonly log: string,
  ) {
    super(message);
  }
}

/** MT5 trade retcodes that mean "no such order or position". */
const NOT_FOUND_RETCODES = new Set([10013, 10036]);
const NO_MONEY = 10019;
const SYMBOL_METHODS = new Set(["symbol_info", "tick", "history_rates", "order_send"]);

export function rpcError(method: string, params: Record<string, unknown>, error: RpcErrorObject): BrokerError {
  const text = `MT5 bridge ${method}: ${error.message}`;
  switch (error.code) {
    case -32001:
      return new AuthFailedError(`${text} (check the token: the bridge refused our signature)`);
    case -32002:
      return new ClockSkewError(`${text} (is this host's clock within 30 s of the bridge's?)`);
    case -32003:
      return new RateLimitedError(text);
    case -32602:
      return new InvalidOrderError(text);
    case -32010:
      return tradeError(method, params, text, error.data ?? undefined);
    case -32011:
      return error.data?.reason === "timeout"
        ? new BrokerTimeoutError(`${text} (the terminal may still complete it: ask findOrderByClientId)`)
        : new BrokerUnavailableError(`${text} (the MT5 terminal is not connected)`);
    case -32012:
      return new TesterFailureError(text, String(error.data?.stage ?? "run"), String(error.data?.log ?? ""));
    case -32700:
    case -32600:
    case -32601:
      return new BrokerProtocolError(text);
    default:
      return new BrokerFailureError(`${text} (code ${error.code})`);
  }
}

function tradeError(method: string, params: Record<string, unknown>, text: string, data: RpcErrorObject["data"]): BrokerError {
  const retcode = data?.retcode ?? undefined;
  const detail = retcode === undefined || text.includes(`retcode ${retcode}`) ? text : `${text} (retcode ${retcode}${data?.comment ? `, ${data.comment}` : ""})`;
  if (retcode === NO_MONEY) return new InsufficientFundsError(detail);
  if (retcode !== undefined && NOT_FOUND_RETCODES.has(retcode)) return new OrderNotFoundError(detail);
  if (retcode !== undefined) return new OrderRejectedError(detail);
  // "Terminal: Not found" from symbol_select / symbol_info: the symbol does not exist.
  if (data?.last_error?.[0] === -4 && SYMBOL_METHODS.has(method)) {
    return new SymbolNotFoundError(String(params.symbol), "the MT5 bridge");
  }
  return new BrokerFailureError(`${detail}${data?.last_error ? ` (last_error ${data.last_error.join(" ")})` : ""}`);
}
