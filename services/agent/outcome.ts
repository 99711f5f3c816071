/**
 * What became of one signal: recorded once per signal (before its stream entry is acknowledged),
 * published on the event stream, and returned to whoever sent it.
 */
import type { RiskLimitName } from "./risk/governor.js";

export type SignalOutcome =
  /** An order went to the broker (or had already gone: `duplicate`). */
  | {
      status: "placed";
      signal_id: string;
      broker: string;
      symbol: string;
      client_order_id: string;
      order_id: string;
      side: "buy" | "sell";
      quantity: number;
      filled_quantity: number;
      average_price?: number;
      order_status: string;
      duplicate: boolean;
      /** The volatility scalar applied to the size (1: none). */
      scale: number;
    }
  /** The target position was already held: nothing to send. */
  | { status: "no_change"; signal_id: string; broker: string; symbol: string; position: number }
  /** The risk governor refused it. */
  | { status: "refused"; signal_id: string; broker: string; symbol: string; limit: RiskLimitName; message: string; excess: number }
  /** The broker refused it, or stayed unreachable and holds no order with its client order id. */
  | { status: "rejected"; signal_id: string; broker: string; symbol: string; code: string; message: string }
  /** Malformed, expired, or naming an unknown broker: also on the dead-letter stream. */
  | { status: "dead_letter"; signal_id?: string; code: string; reason: string };

export type OutcomeStatus = SignalOutcome["status"];
