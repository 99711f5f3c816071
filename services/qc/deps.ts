/** What the QuantConnect MCP server is built from; `main.ts` builds the real ones. */
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { Logger } from "pino";
import type { QcClient } from "./client/qc-client.js";
import type { QcToolset } from "./toolsets.js";
import type { ToolListing } from "./tool-list.js";

export interface QcDeps {
  client: QcClient;
  /** Toolsets offered (QC_TOOLSETS). */
  toolsets: readonly QcToolset[];
  /** QC_ENABLE_LIVE_TRADING. */
  liveTrading: boolean;
  /** `codeSourceId` for file and lock calls that give none (QC_AGENT_NAME). */
  agentName: string;
  /** The cached `tools/list` answer for these toolsets (see tool-list.ts). */
  listing: ToolListing;
  /** Shared by every per-request server, so none builds its own. */
  validator: jsonSchemaValidator;
  logger?: Logger;
}
