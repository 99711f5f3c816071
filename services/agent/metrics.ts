/**
 * The agent's Prometheus metrics (prom-client), on its own registry so tests and several agents
 * in one process never share counters. Served at /metrics.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SignalOutcome } from "./outcome.js";

export class AgentMetrics {
  readonly registry = new Registry();
  readonly signals = new Counter({ name: "qm_agent_signals_total", help: "Signals processed, by outcome", labelNames: ["status"], registers: [this.registry] });
  readonly orders = new Counter({ name: "qm_agent_orders_total", help: "Orders placed, by broker", labelNames: ["broker", "duplicate"], registers: [this.registry] });
  readonly refusals = new Counter({ name: "qm_agent_refusals_total", help: "Signals refused by the risk governor, by limit", labelNames: ["limit"], registers: [this.registry] });
  readonly latency = new Histogram({
    name: "qm_agent_signal_to_ack_seconds",
    help: "From a signal's arrival on the stream to its acknowledgement",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly positions = new Gauge({ name: "qm_agent_position", help: "Net position per broker and symbol (last reconciliation)", labelNames: ["broker", "symbol"], registers: [this.registry] });
  readonly dailyPnl = new Gauge({ name: "qm_agent_daily_pnl", help: "Equity change since 00:00 UTC per broker (last reconciliation)", labelNames: ["broker"], registers: [this.registry] });
  readonly killSwitch = new Gauge({ name: "qm_agent_kill_switch", help: "1 while the kill switch is on", registers: [this.registry] });

  /** Counts one processed signal; `arrivedAtMs` is its stream entry's time. */
  record(outcome: SignalOutcome, arrivedAtMs: number, now = Date.now()): void {
    this.signals.inc({ status: outcome.status });
    if (outcome.status === "placed") this.orders.inc({ broker: outcome.broker, duplicate: String(outcome.duplicate) });
    if (outcome.status === "refused") this.refusals.inc({ limit: outcome.limit });
    if (Number.isFinite(arrivedAtMs)) this.latency.observe(Math.max(0, now - arrivedAtMs) / 1000);
  }
}

/** The time part of a stream entry id (`<ms>-<seq>`). */
export function entryTimeMs(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf("-")));
}
