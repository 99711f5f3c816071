/** `list_datasets`: the datasets a backtest can name. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { runTool, toolSuccess } from "../../shared/mcp/tool-result.js";
import type { BacktestDeps } from "../deps.js";

export const ListDatasetsOutputSchema = z.object({
  count: z.number(),
  datasets: z.array(z.object({ name: z.string() }).catchall(z.unknown())),
});

export function registerListDatasetsTool(server: McpServer, deps: BacktestDeps): void {
  server.registerTool(
    "list_datasets",
    {
      title: "List datasets",
      description: "Datasets available to run_backtest and optimize_strategy, with their range and bar count where known.",
      inputSchema: z.object({}),
      outputSchema: ListDatasetsOutputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      runTool(deps.logger, "list_datasets", async () => {
        const datasets = await deps.service.datasets.list();
        const text = datasets.length === 0 ? "No datasets." : datasets.map((d) => `${d.name}  ${JSON.stringify({ ...d, name: undefined })}`).join("\n");
        return toolSuccess({ count: datasets.length, datasets }, text);
      }),
  );
}
