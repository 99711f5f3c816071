/**
 * A backtest result without its bulk: `read_backtest` answers can run to megabytes (rolling
 * windows, every closed trade, chart series), most of which a client pays for in tokens and
 * rarely reads. The summary keeps the statistics and says what it left out; the full result
 * stays one resource read away.
 */
import type { QcBody } from "./client/qc-client.js";

export const BACKTEST_URI_PREFIX = "qc://projects/";

export function backtestUri(projectId: number, backtestId: string): string {
  return `${BACKTEST_URI_PREFIX}${projectId}/backtests/${encodeURIComponent(backtestId)}`;
}

/** What was dropped from a backtest result, by field. */
export interface Omitted {
  [field: string]: string;
}

/** Returns the answer with `backtest` trimmed, and what was left out. Does not modify `answer`. */
export function summariseBacktest(answer: QcBody): { summary: QcBody; omitted: Omitted } {
  const backtest = answer.backtest;
  if (typeof backtest !== "object" || backtest === null || Array.isArray(backtest)) return { summary: answer, omitted: {} };
  const trimmed: QcBody = { ...(backtest as QcBody) };
  const omitted: Omitted = {};

  const rolling = trimmed.rollingWindow;
  if (rolling && typeof rolling === "object") {
    omitted.rollingWindow = `${Object.keys(rolling).length} rolling-window periods`;
    delete trimmed.rollingWindow;
  }
  const performance = trimmed.totalPerformance;
  if (performance && typeof performance === "object" && Array.isArray((performance as QcBody).closedTrades)) {
    const { closedTrades, ...rest } = performance as QcBody & { closedTrades: unknown[] };
    omitted["totalPerformance.closedTrades"] = `${closedTrades.length} closed trades`;
    trimmed.totalPerformance = rest;
  }
  const charts = trimmed.charts;
  if (charts && typeof charts === "object" && !Array.isArray(charts)) {
    trimmed.charts = Object.keys(charts);
    omitted.charts = "chart contents (names kept; read one with read_backtest_chart)";
  }
  return { summary: { ...answer, backtest: trimmed }, omitted };
}
