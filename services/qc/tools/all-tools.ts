/** Every QuantConnect tool, in toolset order: the one list the server, its listing and the docs are built from. */
import type { QcTool } from "./qc-tool.js";
import { ACCOUNT_TOOLS } from "./account.js";
import { AI_TOOLS } from "./ai.js";
import { BACKTEST_TOOLS } from "./backtests.js";
import { COLLABORATION_TOOLS } from "./collaboration.js";
import { COMPILE_TOOLS } from "./compile.js";
import { FILE_TOOLS } from "./files.js";
import { LEAN_TOOLS } from "./lean.js";
import { LIVE_COMMAND_TOOLS } from "./live-commands.js";
import { LIVE_TOOLS } from "./live.js";
import { NODE_TOOLS } from "./nodes.js";
import { OBJECT_STORE_TOOLS } from "./object-store.js";
import { OPTIMIZATION_TOOLS } from "./optimizations.js";
import { PROJECT_TOOLS } from "./projects.js";
import { SERVER_TOOLS } from "./server-info.js";

export const QC_TOOLS: readonly QcTool[] = [
  ...ACCOUNT_TOOLS,
  ...PROJECT_TOOLS,
  ...COLLABORATION_TOOLS,
  ...NODE_TOOLS,
  ...FILE_TOOLS,
  ...COMPILE_TOOLS,
  ...BACKTEST_TOOLS,
  ...OPTIMIZATION_TOOLS,
  ...LIVE_TOOLS,
  ...LIVE_COMMAND_TOOLS,
  ...OBJECT_STORE_TOOLS,
  ...LEAN_TOOLS,
  ...AI_TOOLS,
  ...SERVER_TOOLS,
];
