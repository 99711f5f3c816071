/** The backtest MCP server: registers its tools and resources, nothing else. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { PACKAGE_VERSION } from "../shared/package-root.js";
import type { BacktestDeps } from "./deps.js";
import { registerBacktestResources } from "./resources.js";
import { registerCancelBacktestTool } from "./tools/cancel-backtest.js";
import { registerGetBacktestStatusTool } from "./tools/get-backtest-status.js";
import { registerListBacktestsTool } from "./tools/list-backtests.js";
import { registerListDatasetsTool } from "./tools/list-datasets.js";
import { registerOptimizeStrategyTool } from "./tools/optimize-strategy.js";
import { registerRunBacktestTool } from "./tools/run-backtest.js";

export const BACKTEST_SERVER_NAME = "quantmind-backtest";

export function createBacktestServer(deps: BacktestDeps): McpServer {
  const server = new McpServer(
    { name: BACKTEST_SERVER_NAME, version: PACKAGE_VERSION },
    {
      instructions:
        "Backtests of trading strategies in a sandbox. list_datasets for the data; run_backtest queues a strategy and returns an id; " +
        "get_backtest_status for progress, statistics and the equity chart; cancel_backtest, list_backtests; optimize_strategy " +
        "runs a parameter grid. The configuration schema is the resource backtest://config-schema.",
    },
  );
  registerRunBacktestTool(server, deps);
  registerGetBacktestStatusTool(server, deps);
  registerCancelBacktestTool(server, deps);
  registerListBacktestsTool(server, deps);
  registerOptimizeStrategyTool(server, deps);
  registerListDatasetsTool(server, deps);
  registerBacktestResources(server, deps);
  return server;
}
