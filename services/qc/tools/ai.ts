/** AI toolset: QuantConnect's coding helpers (syntax, initialization errors, completion, PEP 8, search). */
import { z } from "zod";
import { defineTool, lazySchema, type QcTool } from "./qc-tool.js";
import { language, sourceFiles } from "./fields.js";

export const CheckInitializationErrorsSchema = lazySchema(() => z.strictObject({
  language: language(),
  files: sourceFiles("The algorithm's files."),
}));

export const CompleteCodeSchema = lazySchema(() => z.strictObject({
  language: language(),
  sentence: z.string().min(1).max(10_000).describe('Code to complete, e.g. self.add_equity("AAPL".'),
  responseSizeLimit: z.number().int().min(1).max(100).optional().describe("Most completions to return."),
}));

export const EnhanceErrorMessageSchema = lazySchema(() => z.strictObject({
  language: language(),
  error: z
    .strictObject({
      message: z.string().min(1).max(20_000).describe("The error message."),
      stacktrace: z.string().max(100_000).optional().describe("Its stack trace."),
    })
    .describe("The error to explain."),
}));

export const UpdateCodeToPep8Schema = lazySchema(() => z.strictObject({ files: sourceFiles("Python files to reformat.") }));

export const CheckSyntaxSchema = lazySchema(() => z.strictObject({
  language: language(),
  files: sourceFiles("Files to check."),
}));

export const SearchQuantconnectSchema = lazySchema(() => z.strictObject({
  language: language("Language of the examples to prefer."),
  criteria: z
    .array(
      z.strictObject({
        input: z.string().min(1).max(1000).describe("What to look for."),
        type: z.string().min(1).max(50).describe("Where to look, e.g. Docs."),
        count: z.number().int().min(1).max(50).describe("Number of results."),
      }),
    )
    .min(1)
    .max(10)
    .describe("Searches to run."),
}));

export const AI_TOOLS: QcTool[] = [
  defineTool({
    name: "check_initialization_errors",
    toolset: "ai",
    title: "Check initialization errors",
    description: "Run the algorithm briefly to catch errors in its initialization.",
    input: CheckInitializationErrorsSchema,
    kind: "read",
    endpoint: "/ai/tools/backtest-init",
  }),
  defineTool({
    name: "complete_code",
    toolset: "ai",
    title: "Complete code",
    description: "Code completions for a partial line of LEAN code.",
    input: CompleteCodeSchema,
    kind: "read",
    endpoint: "/ai/tools/complete",
  }),
  defineTool({
    name: "enhance_error_message",
    toolset: "ai",
    title: "Explain error",
    description: "Context and suggested fixes for an algorithm's error message.",
    input: EnhanceErrorMessageSchema,
    kind: "read",
    endpoint: "/ai/tools/error-enhance",
  }),
  defineTool({
    name: "update_code_to_pep8",
    toolset: "ai",
    title: "Format as PEP 8",
    description: "Python files rewritten to follow PEP 8 (returned, not saved).",
    input: UpdateCodeToPep8Schema,
    kind: "read",
    endpoint: "/ai/tools/pep8-convert",
  }),
  defineTool({
    name: "check_syntax",
    toolset: "ai",
    title: "Check syntax",
    description: "Syntax errors in the given files, without running them.",
    input: CheckSyntaxSchema,
    kind: "read",
    endpoint: "/ai/tools/syntax-check",
  }),
  defineTool({
    name: "search_quantconnect",
    toolset: "ai",
    title: "Search QuantConnect",
    description: "Search QuantConnect's documentation and examples.",
    input: SearchQuantconnectSchema,
    kind: "read",
    endpoint: "/ai/tools/search",
  }),
];
