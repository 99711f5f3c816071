/** Backtests toolset: create, read, list, chart, orders, insights, update and delete backtests. */
import { z } from "zod";
import { backtestUri, summariseBacktest } from "../backtest-summary.js";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { backtestId, chartFields, compileId, endAfterStart, name, pageIndex, pageWindow, projectId } from "./fields.js";

/** QuantConnect serves orders and insights at most this many at a time. */
export const MAX_PAGE = 100;

export const CreateBacktestSchema = lazySchema(() => z.strictObject({
  projectId: projectId("Id of the project to backtest."),
  compileId: compileId("Compile id of a successful build of the project."),
  backtestName: name("Name of the new backtest."),
  parameters: z
    .record(z.string().min(1).max(100), z.union([z.string().max(1000), z.number().min(-1e12).max(1e12)]))
    .refine((value) => Object.keys(value).length <= 100, { message: "at most 100 parameters" })
    .optional()
    .describe("Algorithm parameters for this run, by name."),
}));

export const ReadBacktestSchema = lazySchema(() => z.strictObject({ projectId: projectId(), backtestId: backtestId("Id of the backtest to read.") }));

export const ListBacktestsSchema = lazySchema(() => z.strictObject({
  projectId: projectId(),
  includeStatistics: z.boolean().optional().describe("Include each backtest's statistics (default false)."),
}));

export const ReadBacktestChartSchema = lazySchema(() => z
  .strictObject({ projectId: projectId(), backtestId: backtestId(), ...chartFields() })
  .superRefine(endAfterStart));

const pagedBacktestSchema = (what: string) =>
  z
    .strictObject({
      projectId: projectId(),
      backtestId: backtestId(),
      start: pageIndex(`Index of the first ${what} to read (from 0).`),
      end: pageIndex(`Index after the last ${what} to read; end - start <= ${MAX_PAGE}.`),
    })
    .superRefine(pageWindow(MAX_PAGE, `${what}s`));

export const ReadBacktestOrdersSchema = lazySchema(() => pagedBacktestSchema("order"));
export const ReadBacktestInsightsSchema = lazySchema(() => pagedBacktestSchema("insight"));

export const UpdateBacktestSchema = lazySchema(() => z
  .strictObject({
    projectId: projectId(),
    backtestId: backtestId(),
    name: name("New name of the backtest.").optional(),
    note: z.string().max(10_000).optional().describe("Note to attach to the backtest."),
  })
  .refine((args) => args.name !== undefined || args.note !== undefined, { path: ["name"], message: "give a new name, a note, or both" }));

export const DeleteBacktestSchema = lazySchema(() => z.strictObject({ projectId: projectId(), backtestId: backtestId("Id of the backtest to delete.") }));

export const BACKTEST_TOOLS: QcTool[] = [
  defineTool({
    name: "create_backtest",
    toolset: "backtests",
    title: "Create backtest",
    description: "Start a backtest of a compiled project; returns its backtestId.",
    input: CreateBacktestSchema,
    kind: "create",
    endpoint: "/backtests/create",
  }),
  defineTool({
    name: "read_backtest",
    toolset: "backtests",
    title: "Read backtest",
    description:
      "Status, progress, statistics and errors of a backtest. Bulky parts (rolling windows, closed trades, chart data) " +
      "are left out and named; the full result is the linked resource.",
    input: ReadBacktestSchema,
    kind: "read",
    endpoint: "/backtests/read",
    present: (answer, args) => {
      const { summary, omitted } = summariseBacktest(answer);
      const uri = backtestUri(args.projectId, args.backtestId);
      const left = Object.keys(omitted).length > 0;
      return {
        data: left ? { ...summary, omitted, fullResult: uri } : summary,
        ...(left && {
          links: [{ uri, name: `backtest ${args.backtestId}`, description: "The full backtest result as QuantConnect returned it", mimeType: "application/json" }],
        }),
      };
    },
  }),
  defineTool({
    name: "list_backtests",
    toolset: "backtests",
    title: "List backtests",
    description: "Summaries of a project's backtests.",
    input: ListBacktestsSchema,
    kind: "read",
    endpoint: "/backtests/list",
  }),
  defineTool({
    name: "read_backtest_chart",
    toolset: "backtests",
    title: "Read backtest chart",
    description: "The series of one chart of a backtest, downsampled to count points.",
    input: ReadBacktestChartSchema,
    kind: "read",
    endpoint: "/backtests/chart/read",
  }),
  defineTool({
    name: "read_backtest_orders",
    toolset: "backtests",
    title: "Read backtest orders",
    description: `Orders of a backtest, ${MAX_PAGE} at most per call (page with start/end).`,
    input: ReadBacktestOrdersSchema,
    kind: "read",
    endpoint: "/backtests/orders/read",
  }),
  defineTool({
    name: "read_backtest_insights",
    toolset: "backtests",
    title: "Read backtest insights",
    description: `Insights of a backtest, ${MAX_PAGE} at most per call (page with start/end).`,
    input: ReadBacktestInsightsSchema,
    kind: "read",
    endpoint: "/backtests/read/insights",
  }),
  defineTool({
    name: "update_backtest",
    toolset: "backtests",
    title: "Update backtest",
    description: "Rename a backtest or set its note.",
    input: UpdateBacktestSchema,
    kind: "update",
    endpoint: "/backtests/update",
  }),
  defineTool({
    name: "delete_backtest",
    toolset: "backtests",
    title: "Delete backtest",
    description: "Delete a backtest. Cannot be undone.",
    input: DeleteBacktestSchema,
    kind: "delete",
    endpoint: "/backtests/delete",
  }),
];
