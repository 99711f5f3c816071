/**
 * The full result of a backtest as a resource, `qc://projects/<projectId>/backtests/<backtestId>`:
 * read_backtest returns a summary and links here. Each read asks QuantConnect again, so any
 * replica can serve it and nothing is kept between requests.
 */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { QuantMindError } from "../shared/errors.js";
import { BACKTEST_URI_PREFIX } from "./backtest-summary.js";
import type { QcDeps } from "./deps.js";

export function registerBacktestResource(server: McpServer, deps: QcDeps): void {
  server.registerResource(
    "backtest",
    new ResourceTemplate(`${BACKTEST_URI_PREFIX}{projectId}/backtests/{backtestId}`, { list: undefined }),
    { title: "Backtest result", description: "A backtest's full result as QuantConnect returns it", mimeType: "application/json" },
    async (uri, variables) => {
      const projectId = Number(variables.projectId);
      const backtestId = decodeURIComponent(String(variables.backtestId ?? ""));
      if (!Number.isInteger(projectId) || projectId < 1 || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(backtestId)) {
        throw new McpError(ErrorCode.InvalidParams, `${uri.href} is not a backtest URI: use qc://projects/<projectId>/backtests/<backtestId>`);
      }
      try {
        const answer = await deps.client.post("/backtests/read", { projectId, backtestId }, { idempotent: true });
        return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(answer) }] };
      } catch (error) {
        if (error instanceof QuantMindError && !error.internal) throw new McpError(ErrorCode.InternalError, `${error.code}: ${error.message}`);
        deps.logger?.error({ err: error, uri: uri.href }, "backtest resource read failed");
        throw new McpError(ErrorCode.InternalError, "reading the backtest failed on the server side; the server log has the details");
      }
    },
  );
}
