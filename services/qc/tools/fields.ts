/**
 * zod fields the tool inputs share, bounded the way QuantConnect's OpenAPI definitions describe
 * them (ids, names, languages, files), so every limit is stated once.
 */
import { z } from "zod";

/** Largest file content or patch accepted in one call (characters). */
export const MAX_CONTENT_CHARS = 2_000_000;
/** Latest Unix time accepted (2100-01-01). */
const MAX_UNIX_SECONDS = 4_102_444_800;

/** QuantConnect ids are hex strings, sometimes prefixed (O-..., L-...) or joined by "-". */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const projectId = (description = "Id of the project.") =>
  z.number().int().min(1).max(2_147_483_647).describe(description);

export const qcId = (description: string) =>
  z.string().min(1).max(128).regex(ID_PATTERN, "expected a QuantConnect id (letters, digits, - _ .)").describe(description);

export const backtestId = (description = "Id of the backtest.") => qcId(description);
export const compileId = (description = "Compile id returned by create_compile.") => qcId(description);
export const optimizationId = (description = "Id of the optimization (O-...).") => qcId(description);
export const organizationId = (description = "Id of the organization (see read_account).") => qcId(description);

export const language = (description = "Programming language.") => z.enum(["Py", "C#"]).describe(description);

export const fileName = (description: string) =>
  z.string().min(1).max(255).refine((name) => !name.startsWith("/") && !name.split(/[\\/]/).includes(".."), {
    message: "use a path relative to the project, without ..",
  }).describe(description);

export const fileContent = (description: string) => z.string().max(MAX_CONTENT_CHARS).describe(description);

export const codeSourceId = () =>
  z.string().min(1).max(100).optional().describe("Name of the environment making the change; default: this server's QC_AGENT_NAME.");

export const name = (description: string) => z.string().min(1).max(200).describe(description);

export const unixSeconds = (description: string) => z.number().int().min(0).max(MAX_UNIX_SECONDS).describe(description);

/** The range of a chart read (backtest or live): chart name, points, and a Unix-time window. */
export const chartFields = () => ({
  name: name("Chart name, e.g. Strategy Equity."),
  count: z.number().int().min(1).max(10_000).describe("Number of data points to return."),
  start: unixSeconds("Start of the range, Unix seconds."),
  end: unixSeconds("End of the range, Unix seconds."),
});

/** Refinement for a `{start, end}` time window: end strictly after start. */
export function endAfterStart(args: { start: number; end: number }, ctx: z.RefinementCtx): void {
  if (args.end <= args.start) ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
}

/** A finite number of moderate size (targets, prices, statistics). */
export const boundedNumber = (description: string) => z.number().min(-1e12).max(1e12).describe(description);

/** `{name, content}` source files for the AI helpers. */
export const sourceFiles = (description: string) =>
  z
    .array(z.strictObject({ name: fileName("File name, e.g. main.py."), content: fileContent("File contents.") }))
    .min(1)
    .max(50)
    .describe(description);

/**
 * A JSON object whose keys are kept as given (brokerage settings, live commands): a record,
 * never `z.object({})`, which would strip every key.
 */
export const openObject = (description: string, maxKeys = 100) =>
  z
    .record(z.string().min(1).max(200), z.unknown())
    .refine((value) => Object.keys(value).length <= maxKeys, { message: `at most ${maxKeys} keys` })
    .describe(description);

/**
 * An index window `[start, end)` no wider than `maxSpan`, as QuantConnect's paginated reads
 * (orders, insights, log lines) require; `keys` names the two fields (start defaults to 0).
 */
export function pageWindow(maxSpan: number, unit: string, keys = { start: "start", end: "end" }) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const start = typeof value[keys.start] === "number" ? (value[keys.start] as number) : 0;
    const end = value[keys.end] as number;
    if (end <= start) ctx.addIssue({ code: "custom", path: [keys.end], message: `${keys.end} must be greater than ${keys.start} (${start})` });
    else if (end - start > maxSpan) {
      ctx.addIssue({ code: "custom", path: [keys.end], message: `${keys.end} - ${keys.start} must be at most ${maxSpan} ${unit}: page through larger ranges` });
    }
  };
}

export const pageIndex = (description: string) => z.number().int().min(0).max(10_000_000).describe(description);
