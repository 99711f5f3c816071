/** What the backtest MCP server's tools and resources are handed. */
import type { Logger } from "pino";
import type { BacktestService } from "./jobs/backtest-service.js";

export interface BacktestDeps {
  service: BacktestService;
  /** Largest optimisation grid run at once; default 100 points. */
  maxGridPoints: number;
  logger?: Logger;
}

export const DEFAULT_MAX_GRID_POINTS = 100;
