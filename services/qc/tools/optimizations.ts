/** Optimizations toolset: estimate, create, read, list, rename, abort and delete optimizations. */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { boundedNumber, compileId, name, optimizationId, projectId } from "./fields.js";

const parameter = () =>
  z
    .strictObject({
      name: z.string().min(1).max(100).describe("Parameter name, as the algorithm reads it."),
      min: boundedNumber("Smallest value."),
      max: boundedNumber("Largest value."),
      step: z.number().gt(0).max(1e12).describe("Step between values."),
      minStep: z.number().gt(0).max(1e12).optional().describe("Smallest step (Euler search strategy)."),
    })
    .refine((p) => p.min <= p.max, { path: ["max"], message: "max must be at least min" });

const constraint = () =>
  z.strictObject({
    target: z.string().min(1).max(200).describe("Statistic, e.g. TotalPerformance.PortfolioStatistics.Drawdown."),
    operator: z
      .enum(["equals", "notEqual", "less", "lessOrEqual", "greater", "greaterOrEqual"])
      .describe("Comparison of the statistic with targetValue."),
    targetValue: boundedNumber("Value to compare with."),
  });

const optimizationFields = () => ({
  projectId: projectId("Id of the project to optimize."),
  name: name("Name of the optimization."),
  target: z.string().min(1).max(200).describe("Statistic to optimize, e.g. TotalPerformance.PortfolioStatistics.SharpeRatio."),
  targetTo: z.enum(["max", "min"]).describe("Maximize or minimize the target."),
  targetValue: boundedNumber("Stop once the target reaches this value.").optional(),
  strategy: z
    .string()
    .min(1)
    .max(200)
    .default("QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy")
    .describe("Search strategy (grid search by default, or ...EulerSearchOptimizationStrategy)."),
  parameters: z.array(parameter()).min(1).max(10).describe("Parameters to vary."),
  constraints: z.array(constraint()).max(10).optional().describe("Constraints every accepted backtest meets."),
});

export const EstimateOptimizationTimeSchema = lazySchema(() => z.strictObject({
  ...optimizationFields(),
  compileId: compileId().optional(),
}));

export const CreateOptimizationSchema = lazySchema(() => z.strictObject({
  ...optimizationFields(),
  compileId: compileId(),
  estimatedCost: z.number().min(0).max(1e9).describe("Estimated cost in QCC, from estimate_optimization_time."),
  nodeType: z.enum(["O2-8", "O4-12", "O8-16"]).describe("Optimization node type (cores-GB RAM)."),
  parallelNodes: z.number().int().min(1).max(24).describe("Nodes to run in parallel."),
}));

export const ReadOptimizationSchema = lazySchema(() => z.strictObject({ optimizationId: optimizationId() }));
export const ListOptimizationsSchema = lazySchema(() => z.strictObject({ projectId: projectId() }));
export const UpdateOptimizationSchema = lazySchema(() => z.strictObject({ optimizationId: optimizationId(), name: name("New name of the optimization.") }));
export const AbortOptimizationSchema = lazySchema(() => z.strictObject({ optimizationId: optimizationId("Id of the optimization to abort.") }));
export const DeleteOptimizationSchema = lazySchema(() => z.strictObject({ optimizationId: optimizationId("Id of the optimization to delete.") }));

export const OPTIMIZATION_TOOLS: QcTool[] = [
  defineTool({
    name: "estimate_optimization_time",
    toolset: "optimizations",
    title: "Estimate optimization",
    description: "Estimated run time and cost of an optimization, before creating it.",
    input: EstimateOptimizationTimeSchema,
    kind: "read",
    endpoint: "/optimizations/estimate",
  }),
  defineTool({
    name: "create_optimization",
    toolset: "optimizations",
    title: "Create optimization",
    description: "Start a parameter optimization (costs QCC: estimate first).",
    input: CreateOptimizationSchema,
    kind: "create",
    endpoint: "/optimizations/create",
  }),
  defineTool({
    name: "read_optimization",
    toolset: "optimizations",
    title: "Read optimization",
    description: "Status, best parameters and backtests of an optimization.",
    input: ReadOptimizationSchema,
    kind: "read",
    endpoint: "/optimizations/read",
  }),
  defineTool({
    name: "list_optimizations",
    toolset: "optimizations",
    title: "List optimizations",
    description: "The optimizations of a project.",
    input: ListOptimizationsSchema,
    kind: "read",
    endpoint: "/optimizations/list",
  }),
  defineTool({
    name: "update_optimization",
    toolset: "optimizations",
    title: "Rename optimization",
    description: "Rename an optimization.",
    input: UpdateOptimizationSchema,
    kind: "update",
    endpoint: "/optimizations/update",
  }),
  defineTool({
    name: "abort_optimization",
    toolset: "optimizations",
    title: "Abort optimization",
    description: "Stop a running optimization; finished backtests are kept.",
    input: AbortOptimizationSchema,
    kind: "update",
    endpoint: "/optimizations/abort",
  }),
  defineTool({
    name: "delete_optimization",
    toolset: "optimizations",
    title: "Delete optimization",
    description: "Delete an optimization. Cannot be undone.",
    input: DeleteOptimizationSchema,
    kind: "delete",
    endpoint: "/optimizations/delete",
  }),
];
