/**
 * Live toolset: broker authorization, deployments, and their charts, logs, portfolio, orders and
 * insights. Creating, stopping and liquidating a deployment trade live and are gated by
 * QC_ENABLE_LIVE_TRADING.
 */
import { z } from "zod";
import type { QcBody } from "../client/qc-client.js";
import { QcApiError } from "../errors.js";
import { defineTool, lazySchema, type QcTool, type QcToolOutput } from "./qc-tool.js";
import { chartFields, compileId, endAfterStart, openObject, pageIndex, pageWindow, projectId, qcId, unixSeconds } from "./fields.js";

/** QuantConnect serves live orders and insights 100 at a time, log lines 250. */
export const MAX_LIVE_PAGE = 100;
export const MAX_LOG_LINES = 250;

const LIVE_STATUSES = [
  "DeployError", "InQueue", "Running", "Stopped", "Liquidated", "Deleted", "Completed",
  "RuntimeError", "Invalid", "LoggingIn", "Initializing", "History",
] as const;

export const AuthorizeConnectionSchema = lazySchema(() => z.strictObject({
  brokerage: z.string().min(1).max(100).describe("Brokerage or data provider to authorize, e.g. TradierBrokerage."),
}));

export const CreateLiveAlgorithmSchema = lazySchema(() => z.strictObject({
  versionId: z.string().min(1).max(20).default("-1").describe("LEAN version id (read_lean_versions); -1 is the latest."),
  projectId: projectId("Id of the project to deploy."),
  compileId: compileId(),
  nodeId: qcId("Id of the live node to run on (read_project_nodes)."),
  brokerage: z
    .looseObject({ id: z.string().min(1).max(100).describe("Brokerage id, e.g. QuantConnectBrokerage (paper) or InteractiveBrokersBrokerage.") })
    .refine((value) => Object.keys(value).length <= 100, { message: "at most 100 keys" })
    .describe("Brokerage settings: id plus that brokerage's fields, passed through unchanged."),
  dataProviders: z
    .record(z.string().min(1).max(100), openObject("One data provider's settings (its id plus fields)."))
    .refine((value) => Object.keys(value).length <= 20, { message: "at most 20 data providers" })
    .optional()
    .describe("Data providers by name, in order of precedence; default: QuantConnect's."),
}));

export const ReadLiveAlgorithmSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  deployId: qcId("A specific deployment (L-...); default the latest.").optional(),
}));

export const ListLiveAlgorithmsSchema = lazySchema(() => z
  .strictObject({
    projectId: projectId("Only this project's deployments.").optional(),
    status: z.enum(LIVE_STATUSES).optional().describe("Only deployments in this state."),
    start: unixSeconds("Launched at or after this Unix time.").optional(),
    end: unixSeconds("Launched at or before this Unix time.").optional(),
  })
  .refine((args) => args.start === undefined || args.end === undefined || args.end >= args.start, {
    path: ["end"],
    message: "end must not be before start",
  }));

export const ReadLiveChartSchema = lazySchema(() => z.strictObject({ projectId: projectId(), ...chartFields() }).superRefine(endAfterStart));

export const ReadLiveLogsSchema = lazySchema(() => z
  .strictObject({
    format: z.literal("json").default("json").describe("Format of the log lines."),
    projectId: projectId(),
    algorithmId: qcId("Deploy id (L-...) of the live algorithm."),
    startLine: pageIndex("First log line to read (from 0)."),
    endLine: pageIndex(`Line after the last to read; endLine - startLine <= ${MAX_LOG_LINES}.`),
  })
  .superRefine(pageWindow(MAX_LOG_LINES, "lines", { start: "startLine", end: "endLine" })));

export const ReadLivePortfolioSchema = lazySchema(() => z.strictObject({ projectId: projectId() }));

const pagedLiveSchema = (what: string) =>
  z
    .strictObject({
      projectId: projectId(),
      start: pageIndex(`Index of the first ${what} to read (default 0).`).optional(),
      end: pageIndex(`Index after the last ${what} to read; end - start <= ${MAX_LIVE_PAGE}.`),
    })
    .superRefine(pageWindow(MAX_LIVE_PAGE, `${what}s`));

export const ReadLiveOrdersSchema = lazySchema(() => pagedLiveSchema("order"));
export const ReadLiveInsightsSchema = lazySchema(() => pagedLiveSchema("insight"));

export const StopLiveAlgorithmSchema = lazySchema(() => z.strictObject({ projectId: projectId("Id of the project whose deployment to stop.") }));
export const LiquidateLiveAlgorithmSchema = lazySchema(() => z.strictObject({ projectId: projectId("Id of the project whose deployment to liquidate and stop.") }));

/** Charts and orders of a live deployment are assembled on demand: the first reads may say "loading". */
function loadingAware(what: string) {
  return (answer: QcBody): QcToolOutput => {
    if (typeof answer.progress === "number" && answer.chart === undefined && answer.orders === undefined) {
      const percent = Math.round(answer.progress * (answer.progress <= 1 ? 100 : 1));
      return { data: answer, text: `The ${what} is still loading (${percent}%): call again in a few seconds.\n${JSON.stringify(answer)}` };
    }
    return { data: answer };
  };
}

export const LIVE_TOOLS: QcTool[] = [
  defineTool({
    name: "authorize_connection",
    toolset: "live",
    title: "Authorize brokerage",
    description:
      "Authorize QuantConnect with a brokerage or data provider that logs in through the browser. Returns the " +
      "authorization when there is one; otherwise a URL to open (logged in to QuantConnect), then call again.",
    input: AuthorizeConnectionSchema,
    kind: "set",
    run: async (args, ctx) => {
      try {
        const read = await ctx.client.post("/live/auth0/read", { brokerage: args.brokerage }, { idempotent: true });
        if (read.authorization && typeof read.authorization === "object") {
          return {
            data: { status: "authorized", brokerage: args.brokerage, authorization: read.authorization },
            text: `${args.brokerage} is authorized: pass this authorization in create_live_algorithm's brokerage settings.\n${JSON.stringify(read.authorization)}`,
          };
        }
      } catch (error) {
        if (!(error instanceof QcApiError)) throw error; // "not authorized yet" comes back as success: false
      }
      const started = await ctx.client.postForRedirect("/live/auth0/authorize", { brokerage: args.brokerage }, { idempotent: true });
      if ("location" in started) {
        return {
          data: { status: "pending", brokerage: args.brokerage, authorizationUrl: started.location },
          text: `Open ${started.location} in a browser logged in to QuantConnect, approve ${args.brokerage}, then call authorize_connection again.`,
        };
      }
      return { data: { status: "pending", brokerage: args.brokerage, ...started.body } };
    },
  }),
  defineTool({
    name: "create_live_algorithm",
    toolset: "live",
    title: "Deploy live algorithm",
    description: "Deploy a compiled project to live trading with a brokerage. Trades real money unless the brokerage is paper.",
    input: CreateLiveAlgorithmSchema,
    kind: "live",
    liveTrading: true,
    endpoint: "/live/create",
  }),
  defineTool({
    name: "read_live_algorithm",
    toolset: "live",
    title: "Read live algorithm",
    description: "State, runtime statistics and errors of a project's live deployment.",
    input: ReadLiveAlgorithmSchema,
    kind: "read",
    endpoint: "/live/read",
  }),
  defineTool({
    name: "list_live_algorithms",
    toolset: "live",
    title: "List live algorithms",
    description: "Your past and current live deployments, filtered by project, state or launch time.",
    input: ListLiveAlgorithmsSchema,
    kind: "read",
    endpoint: "/live/list",
  }),
  defineTool({
    name: "read_live_chart",
    toolset: "live",
    title: "Read live chart",
    description: "The series of one chart of a live deployment, downsampled to count points.",
    input: ReadLiveChartSchema,
    kind: "read",
    endpoint: "/live/chart/read",
    present: loadingAware("chart"),
  }),
  defineTool({
    name: "read_live_logs",
    toolset: "live",
    title: "Read live logs",
    description: `Log lines of a live deployment, ${MAX_LOG_LINES} at most per call.`,
    input: ReadLiveLogsSchema,
    kind: "read",
    endpoint: "/live/logs/read",
  }),
  defineTool({
    name: "read_live_portfolio",
    toolset: "live",
    title: "Read live portfolio",
    description: "Holdings and cash of a live deployment.",
    input: ReadLivePortfolioSchema,
    kind: "read",
    endpoint: "/live/portfolio/read",
  }),
  defineTool({
    name: "read_live_orders",
    toolset: "live",
    title: "Read live orders",
    description: `Orders of a live deployment, ${MAX_LIVE_PAGE} at most per call.`,
    input: ReadLiveOrdersSchema,
    kind: "read",
    endpoint: "/live/orders/read",
    present: loadingAware("order list"),
  }),
  defineTool({
    name: "read_live_insights",
    toolset: "live",
    title: "Read live insights",
    description: `Insights of a live deployment, ${MAX_LIVE_PAGE} at most per call.`,
    input: ReadLiveInsightsSchema,
    kind: "read",
    endpoint: "/live/insights/read",
  }),
  defineTool({
    name: "stop_live_algorithm",
    toolset: "live",
    title: "Stop live algorithm",
    description: "Stop a project's live deployment, keeping its positions open.",
    input: StopLiveAlgorithmSchema,
    kind: "live",
    liveTrading: true,
    // Stopping twice is harmless and a stop that did not arrive is costly: worth retrying.
    idempotent: true,
    endpoint: "/live/update/stop",
  }),
  defineTool({
    name: "liquidate_live_algorithm",
    toolset: "live",
    title: "Liquidate live algorithm",
    description: "Close every position of a project's live deployment, then stop it.",
    input: LiquidateLiveAlgorithmSchema,
    kind: "live",
    liveTrading: true,
    idempotent: true,
    endpoint: "/live/update/liquidate",
  }),
];
