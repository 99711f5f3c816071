/**
 * Resources: the configuration's JSON schema, and per completed backtest its report
 * (`backtest://<id>/report`, JSON) and its chart (`backtest://<id>/equity.png`).
 */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { BacktestConfigSchema } from "./config.js";
import type { BacktestDeps } from "./deps.js";
import { BacktestNotFoundError } from "./jobs/errors.js";
import { equityPngUri, reportUri } from "./tools/status-view.js";

export const CONFIG_SCHEMA_URI = "backtest://config-schema";
/** Completed backtests the resource list offers. */
const LISTED = 50;

export function registerBacktestResources(server: McpServer, deps: BacktestDeps): void {
  server.registerResource(
    "config-schema",
    CONFIG_SCHEMA_URI,
    { title: "Backtest configuration schema", description: "JSON schema of run_backtest's config", mimeType: "application/schema+json" },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "application/schema+json", text: JSON.stringify(z.toJSONSchema(BacktestConfigSchema, { io: "input" }), null, 2) }],
    }),
  );

  const completed = async () => deps.service.list({ status: "completed", limit: LISTED });
  server.registerResource(
    "report",
    new ResourceTemplate("backtest://{id}/report", {
      list: async () => ({
        resources: (await completed()).map((r) => ({ uri: reportUri(r.id), name: `${r.id}-report`, mimeType: "application/json" })),
      }),
    }),
    { title: "Backtest report", description: "Statistics, equity curve, drawdown and every trade of a completed backtest", mimeType: "application/json" },
    async (uri, { id }) => {
      const report = await deps.service.store.report(checkedId(id));
      if (!report) throw new BacktestNotFoundError(`${String(id)} (completed)`);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: report.toString("utf8") }] };
    },
  );
  server.registerResource(
    "equity-png",
    new ResourceTemplate("backtest://{id}/equity.png", {
      list: async () => ({
        resources: (await completed()).map((r) => ({ uri: equityPngUri(r.id), name: `${r.id}-equity`, mimeType: "image/png" })),
      }),
    }),
    { title: "Backtest equity chart", description: "Equity (blue), buy-and-hold (grey) and drawdown (red) as PNG", mimeType: "image/png" },
    async (uri, { id }) => {
      const png = await deps.service.png(checkedId(id));
      if (!png) throw new BacktestNotFoundError(`${String(id)} (completed)`);
      return { contents: [{ uri: uri.href, mimeType: "image/png", blob: png.toString("base64") }] };
    },
  );
}

/** Ids are UUIDs: anything else (a `:` would reach a Redis key) is simply not found. */
function checkedId(id: string | string[] | undefined): string {
  const value = String(id);
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) throw new BacktestNotFoundError(value);
  return value;
}
