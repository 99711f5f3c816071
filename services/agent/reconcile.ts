/**
 * Reads positions and equity back from every broker: at start and periodically. The agent keeps
 * no book of its own (the broker's is the truth), so reconciling refreshes the snapshot that
 * status, metrics and the daily-loss base come from, and reports brokers that stopped answering.
 */
import type { Broker, Position } from "../brokers/broker.js";
import type { Logger } from "../shared/logger.js";
import type { AgentMetrics } from "./metrics.js";
import { netPosition } from "./router.js";
import type { AgentStore } from "./store/agent-store.js";

export interface BrokerSnapshot {
  broker: string;
  reachable: boolean;
  equity?: number;
  dailyPnl?: number;
  positions: Position[];
  error?: string;
  atMs: number;
}

export async function reconcile(
  brokers: ReadonlyMap<string, Broker>,
  store: AgentStore,
  metrics: AgentMetrics,
  logger: Logger,
  now = Date.now(),
): Promise<BrokerSnapshot[]> {
  const day = new Date(now).toISOString().slice(0, 10);
  return Promise.all(
    [...brokers.values()].map(async (broker): Promise<BrokerSnapshot> => {
      try {
        const [account, positions] = await Promise.all([broker.getAccount(), broker.getPositions()]);
        const dayStart = await store.dayStartEquity(broker.name, day, account.equity);
        const dailyPnl = account.equity - dayStart;
        metrics.dailyPnl.set({ broker: broker.name }, dailyPnl);
        for (const symbol of new Set(positions.map((p) => p.symbol))) {
          metrics.positions.set({ broker: broker.name, symbol }, netPosition(positions, symbol));
        }
        return { broker: broker.name, reachable: true, equity: account.equity, dailyPnl, positions, atMs: now };
      } catch (error) {
        logger.warn({ broker: broker.name, err: error }, "broker did not answer the reconciliation");
        return { broker: broker.name, reachable: false, positions: [], error: (error as Error).message, atMs: now };
      }
    }),
  );
}
