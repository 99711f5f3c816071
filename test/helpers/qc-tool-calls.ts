/**
 * One valid call of every QuantConnect tool, with what it must send and what must come back:
 * the table the stdio, HTTP and Lambda end-to-end tests all walk. A test checks that the table
 * names exactly the tools the server lists, so a new tool cannot go untested.
 */
import { ORGANIZATION_ID } from "./qc-api-fixtures.js";

export interface ToolCallCase {
  args: Record<string, unknown>;
  /** QuantConnect endpoints the call reaches, in order. */
  endpoints: string[];
  /** Fields the (last) request body must hold. */
  sent?: Record<string, unknown>;
  /** The whole request body, for calls that must send nothing else. */
  sentExactly?: Record<string, unknown>;
  /** Fields structuredContent must hold (nested objects partially, arrays element by element). */
  answer?: Record<string, unknown>;
}

export const AGENT_NAME = "QuantMind MCP";
const P = 23456789;
const B = "26c7bb06b8487cff1c7b3c44652b30f1";
const C = "23456789-c0mp11e";
const O = "O-401d3d40b5a0e9f8c46c954a303f3ddd";
const PATCH = "--- a/main.py\n+++ b/main.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n";
const FILES = [{ name: "main.py", content: "class A(QCAlgorithm):\n    pass   \n" }];
const COMMAND = { $type: "OrderCommand", symbol: { id: "BTCUSD 2XR", value: "BTCUSD" }, order_type: "market", quantity: "0.1" };
const OPTIMIZATION = {
  projectId: P,
  name: "fast/slow grid",
  target: "TotalPerformance.PortfolioStatistics.SharpeRatio",
  targetTo: "max",
  parameters: [{ name: "fast", min: 5, max: 20, step: 5 }],
  constraints: [{ target: "TotalPerformance.PortfolioStatistics.Drawdown", operator: "less", targetValue: 0.2 }],
};

export const TOOL_CALLS: Record<string, ToolCallCase> = {
  read_account: { args: {}, endpoints: ["/account/read"], sentExactly: {}, answer: { organizationId: ORGANIZATION_ID } },
  create_project: {
    args: { name: "EMA cross", language: "Py" },
    endpoints: ["/projects/create"],
    sentExactly: { name: "EMA cross", language: "Py" },
    answer: { projects: [{ name: "EMA cross", language: "Py" }] },
  },
  read_project: { args: { projectId: P }, endpoints: ["/projects/read"], sentExactly: { projectId: P }, answer: { projects: [{ projectId: P }] } },
  list_projects: { args: {}, endpoints: ["/projects/read"], sentExactly: {} },
  update_project: { args: { projectId: P, description: "EMA 10/30 on SPY" }, endpoints: ["/projects/update"], sentExactly: { projectId: P, description: "EMA 10/30 on SPY" } },
  delete_project: { args: { projectId: P }, endpoints: ["/projects/delete"], sentExactly: { projectId: P } },
  create_project_collaborator: {
    args: { projectId: P, collaboratorUserId: "mia-ai", collaborationLiveControl: false, collaborationWrite: true },
    endpoints: ["/projects/collaboration/create"],
    sentExactly: { projectId: P, collaboratorUserId: "mia-ai", collaborationLiveControl: false, collaborationWrite: true },
  },
  read_project_collaborators: { args: { projectId: P }, endpoints: ["/projects/collaboration/read"], answer: { userPermissions: "write" } },
  update_project_collaborator: {
    args: { projectId: P, collaboratorUserId: "mia-ai", liveControl: true, write: false },
    endpoints: ["/projects/collaboration/update"],
    sentExactly: { projectId: P, collaboratorUserId: "mia-ai", liveControl: true, write: false },
  },
  delete_project_collaborator: { args: { projectId: P, collaboratorId: "mia-ai" }, endpoints: ["/projects/collaboration/delete"], sent: { collaboratorId: "mia-ai" } },
  lock_project_with_collaborators: { args: { projectId: P }, endpoints: ["/projects/collaboration/lock/acquire"], sentExactly: { projectId: P, codeSourceId: AGENT_NAME } },
  read_project_nodes: { args: { projectId: P }, endpoints: ["/projects/nodes/read"], answer: { autoSelectNode: true } },
  update_project_nodes: { args: { projectId: P, nodes: ["backtest-1"] }, endpoints: ["/projects/nodes/update"], sentExactly: { projectId: P, nodes: ["backtest-1"] }, answer: { autoSelectNode: false } },
  create_file: {
    args: { projectId: P, name: "alpha.py", content: "x = 1\n" },
    endpoints: ["/files/create"],
    sentExactly: { projectId: P, name: "alpha.py", content: "x = 1\n", codeSourceId: AGENT_NAME },
  },
  read_file: { args: { projectId: P, name: "main.py", codeSourceId: "vscode" }, endpoints: ["/files/read"], sentExactly: { projectId: P, name: "main.py", codeSourceId: "vscode" } },
  update_file_name: { args: { projectId: P, name: "alpha.py", newName: "alphas/ema.py" }, endpoints: ["/files/update"], sent: { name: "alpha.py", newName: "alphas/ema.py" } },
  update_file_contents: { args: { projectId: P, name: "main.py", content: "x = 2\n" }, endpoints: ["/files/update"], sent: { name: "main.py", content: "x = 2\n" } },
  patch_file: { args: { projectId: P, patch: PATCH }, endpoints: ["/files/patch"], sentExactly: { projectId: P, patch: PATCH, codeSourceId: AGENT_NAME } },
  delete_file: { args: { projectId: P, name: "alpha.py" }, endpoints: ["/files/delete"], sent: { name: "alpha.py" } },
  create_compile: { args: { projectId: P }, endpoints: ["/compile/create"], sentExactly: { projectId: P }, answer: { compileId: C, state: "InQueue" } },
  read_compile: { args: { projectId: P, compileId: C }, endpoints: ["/compile/read"], answer: { compileId: C, state: "BuildSuccess" } },
  create_backtest: {
    args: { projectId: P, compileId: C, backtestName: "EMA 10/30", parameters: { fast: 10, slow: "30" } },
    endpoints: ["/backtests/create"],
    sentExactly: { projectId: P, compileId: C, backtestName: "EMA 10/30", parameters: { fast: 10, slow: "30" } },
  },
  read_backtest: {
    args: { projectId: P, backtestId: B },
    endpoints: ["/backtests/read"],
    answer: { fullResult: `qc://projects/${P}/backtests/${B}`, backtest: { backtestId: B, charts: ["Strategy Equity", "Benchmark"] } },
  },
  list_backtests: { args: { projectId: P, includeStatistics: true }, endpoints: ["/backtests/list"], sentExactly: { projectId: P, includeStatistics: true }, answer: { count: 1 } },
  read_backtest_chart: {
    args: { projectId: P, backtestId: B, name: "Strategy Equity", count: 10, start: 1717801200, end: 1743462000 },
    endpoints: ["/backtests/chart/read"],
    sent: { name: "Strategy Equity", count: 10 },
  },
  read_backtest_orders: { args: { projectId: P, backtestId: B, start: 0, end: 20 }, endpoints: ["/backtests/orders/read"], sent: { start: 0, end: 20 }, answer: { length: 48 } },
  read_backtest_insights: { args: { projectId: P, backtestId: B, start: 100, end: 150 }, endpoints: ["/backtests/read/insights"], sent: { start: 100, end: 150 }, answer: { length: 120 } },
  update_backtest: { args: { projectId: P, backtestId: B, note: "best so far" }, endpoints: ["/backtests/update"], sentExactly: { projectId: P, backtestId: B, note: "best so far" } },
  delete_backtest: { args: { projectId: P, backtestId: B }, endpoints: ["/backtests/delete"], sentExactly: { projectId: P, backtestId: B } },
  estimate_optimization_time: {
    args: { ...OPTIMIZATION, compileId: C },
    endpoints: ["/optimizations/estimate"],
    sent: { targetTo: "max", strategy: "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy", constraints: OPTIMIZATION.constraints },
    answer: { estimate: { time: 1860 } },
  },
  create_optimization: {
    args: { ...OPTIMIZATION, compileId: C, estimatedCost: 12, nodeType: "O2-8", parallelNodes: 4 },
    endpoints: ["/optimizations/create"],
    sent: { nodeType: "O2-8", parallelNodes: 4, estimatedCost: 12, parameters: OPTIMIZATION.parameters },
  },
  read_optimization: { args: { optimizationId: O }, endpoints: ["/optimizations/read"], sentExactly: { optimizationId: O }, answer: { optimization: { optimizationId: O } } },
  list_optimizations: { args: { projectId: P }, endpoints: ["/optimizations/list"] },
  update_optimization: { args: { optimizationId: O, name: "grid v2" }, endpoints: ["/optimizations/update"], sentExactly: { optimizationId: O, name: "grid v2" } },
  abort_optimization: { args: { optimizationId: O }, endpoints: ["/optimizations/abort"], sentExactly: { optimizationId: O } },
  delete_optimization: { args: { optimizationId: O }, endpoints: ["/optimizations/delete"], sentExactly: { optimizationId: O } },
  authorize_connection: {
    args: { brokerage: "TradierBrokerage" },
    endpoints: ["/live/auth0/read", "/live/auth0/authorize"],
    sentExactly: { brokerage: "TradierBrokerage" },
    answer: { status: "pending", brokerage: "TradierBrokerage" },
  },
  create_live_algorithm: {
    args: {
      projectId: P,
      compileId: C,
      nodeId: "live-1",
      brokerage: { id: "QuantConnectBrokerage", holdings: [], cash: [{ amount: 100000, currency: "USD" }] },
      dataProviders: { QuantConnectBrokerage: { id: "QuantConnectBrokerage" } },
    },
    endpoints: ["/live/create"],
    sentExactly: {
      versionId: "-1",
      projectId: P,
      compileId: C,
      nodeId: "live-1",
      brokerage: { id: "QuantConnectBrokerage", holdings: [], cash: [{ amount: 100000, currency: "USD" }] },
      dataProviders: { QuantConnectBrokerage: { id: "QuantConnectBrokerage" } },
    },
    answer: { status: "Running" },
  },
  read_live_algorithm: { args: { projectId: P }, endpoints: ["/live/read"], sentExactly: { projectId: P }, answer: { projectId: P } },
  list_live_algorithms: { args: { status: "Running", start: 1717801200 }, endpoints: ["/live/list"], sentExactly: { status: "Running", start: 1717801200 } },
  read_live_chart: { args: { projectId: P, name: "Strategy Equity", count: 5, start: 1717801200, end: 1717887600 }, endpoints: ["/live/chart/read"], sent: { count: 5 } },
  read_live_logs: {
    args: { projectId: P, algorithmId: "L-0165ec15a1b2c3d4", startLine: 0, endLine: 250 },
    endpoints: ["/live/logs/read"],
    sentExactly: { format: "json", projectId: P, algorithmId: "L-0165ec15a1b2c3d4", startLine: 0, endLine: 250 },
    answer: { length: 1000 },
  },
  read_live_portfolio: { args: { projectId: P }, endpoints: ["/live/portfolio/read"], answer: { portfolio: {} } },
  read_live_orders: { args: { projectId: P, end: 100 }, endpoints: ["/live/orders/read"], sentExactly: { projectId: P, end: 100 }, answer: { length: 48 } },
  read_live_insights: { args: { projectId: P, start: 20, end: 40 }, endpoints: ["/live/insights/read"], sent: { start: 20, end: 40 } },
  stop_live_algorithm: { args: { projectId: P }, endpoints: ["/live/update/stop"], sentExactly: { projectId: P } },
  liquidate_live_algorithm: { args: { projectId: P }, endpoints: ["/live/update/liquidate"], sentExactly: { projectId: P } },
  create_live_command: { args: { projectId: P, command: COMMAND }, endpoints: ["/live/commands/create"], sentExactly: { projectId: P, command: COMMAND } },
  broadcast_live_command: {
    args: { organizationId: ORGANIZATION_ID, excludeProjectId: P, command: COMMAND },
    endpoints: ["/live/commands/broadcast"],
    sentExactly: { organizationId: ORGANIZATION_ID, excludeProjectId: P, command: COMMAND },
  },
  upload_object: {
    args: { organizationId: ORGANIZATION_ID, key: "models/weights.json", objectData: '{"weights": [0.1, 0.2]}' },
    endpoints: ["/object/set"],
    sentExactly: { organizationId: ORGANIZATION_ID, key: "models/weights.json" },
    answer: { key: "models/weights.json", bytes: 23 },
  },
  read_object_properties: { args: { organizationId: ORGANIZATION_ID, key: "models/weights.json" }, endpoints: ["/object/properties"], answer: { metadata: { key: "models/weights.json" } } },
  read_object_store_file_job_id: { args: { organizationId: ORGANIZATION_ID, keys: ["models/weights.json"] }, endpoints: ["/object/get"], sentExactly: { organizationId: ORGANIZATION_ID, keys: ["models/weights.json"] }, answer: { jobId: "job-7f3a" } },
  read_object_store_file_download_url: { args: { organizationId: ORGANIZATION_ID, jobId: "job-7f3a" }, endpoints: ["/object/get"], sentExactly: { organizationId: ORGANIZATION_ID, jobId: "job-7f3a" } },
  list_object_store_files: { args: { organizationId: ORGANIZATION_ID, path: "/models" }, endpoints: ["/object/list"], answer: { path: "/models" } },
  delete_object: { args: { organizationId: ORGANIZATION_ID, key: "models/weights.json" }, endpoints: ["/object/delete"], sentExactly: { organizationId: ORGANIZATION_ID, key: "models/weights.json" } },
  read_lean_versions: { args: {}, endpoints: ["/lean/versions/read"], sentExactly: {} },
  check_initialization_errors: { args: { language: "Py", files: FILES }, endpoints: ["/ai/tools/backtest-init"], sentExactly: { language: "Py", files: FILES }, answer: { state: "End" } },
  complete_code: { args: { language: "Py", sentence: 'self.add_equity("AAPL"', responseSizeLimit: 2 }, endpoints: ["/ai/tools/complete"], answer: { payloadType: "StringArray" } },
  enhance_error_message: { args: { language: "Py", error: { message: "NameError: x is not defined" } }, endpoints: ["/ai/tools/error-enhance"], sent: { error: { message: "NameError: x is not defined" } } },
  update_code_to_pep8: { args: { files: FILES }, endpoints: ["/ai/tools/pep8-convert"], sentExactly: { files: FILES }, answer: { payloadType: "StringDict" } },
  check_syntax: { args: { language: "C#", files: [{ name: "Main.cs", content: "class A {}" }] }, endpoints: ["/ai/tools/syntax-check"] },
  search_quantconnect: { args: { language: "Py", criteria: [{ input: "index options", type: "Docs", count: 1 }] }, endpoints: ["/ai/tools/search"], answer: { retrivals: [{ score: 0.32 }] } },
  read_mcp_server_version: { args: {}, endpoints: [], answer: { name: "quantmind-qc" } },
};
