/** `get_positions` and `get_open_orders`: read straight from the brokers. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { AgentDeps } from "../deps.js";
import { BrokerNameSchema, selectBrokers } from "./broker-name.js";

const SymbolSchema = z.string().min(1).max(32).optional().describe("Only this symbol");

export function registerGetPositionsTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "get_positions",
    {
      title: "Open positions",
      description: "Open positions per broker, as the broker reports them (side, quantity, open and current price, unrealised P&L).",
      inputSchema: { broker: BrokerNameSchema.optional(), symbol: SymbolSchema },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ broker, symbol }) =>
      runTool(deps.logger, "get_positions", async () => {
        const rows = await Promise.all(selectBrokers(deps, broker).map(async (b) => ({ broker: b.name, positions: await b.getPositions(symbol) })));
        const count = rows.reduce((n, r) => n + r.positions.length, 0);
        return toolSuccess({ brokers: rows }, `${count} open position(s)\n${JSON.stringify(rows, null, 2)}`);
      }),
  );
}

export function registerGetOpenOrdersTool(server: McpServer, deps: AgentDeps): void {
  server.registerTool(
    "get_open_orders",
    {
      title: "Open orders",
      description: "Pending (limit and stop) orders per broker, with their client order ids.",
      inputSchema: { broker: BrokerNameSchema.optional(), symbol: SymbolSchema },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ broker, symbol }) =>
      runTool(deps.logger, "get_open_orders", async () => {
        const rows = await Promise.all(selectBrokers(deps, broker).map(async (b) => ({ broker: b.name, orders: await b.getOpenOrders(symbol) })));
        const count = rows.reduce((n, r) => n + r.orders.length, 0);
        return toolSuccess({ brokers: rows }, `${count} open order(s)\n${JSON.stringify(rows, null, 2)}`);
      }),
  );
}
