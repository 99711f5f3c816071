/**
 * Answers of the local QuantConnect stand-in, shaped like the bodies QuantConnect's OpenAPI
 * definitions describe (QuantConnect-Platform-2.0.0). Ids in a request come back in its answer,
 * so concurrent callers can tell their answers apart.
 */
import type { RecordedCall } from "./qc-api-server.js";

export interface FixtureState {
  /** Brokerages that completed the browser authorization: brokerage -> authorization data. */
  authorizedBrokerages: Map<string, Record<string, unknown>>;
  /** http://127.0.0.1:PORT of the stand-in. */
  baseUrl: string;
}

export interface FixtureAnswer {
  status?: number;
  body?: unknown;
  /** Answer 302 with this Location instead. */
  redirect?: string;
}

export const ORGANIZATION_ID = "5cad178b20a1d52567b534553413b691";
const CREATED = "2026-11-20 14:03:51";
const ok = (body: Record<string, unknown> = {}): FixtureAnswer => ({ body: { ...body, success: true } });

const num = (value: unknown, fallback: number) => (typeof value === "number" ? value : fallback);
const str = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

function project(projectId: number, name = `Project ${projectId}`, language = "Py") {
  return {
    projectId,
    organizationId: ORGANIZATION_ID,
    name,
    modified: CREATED,
    created: CREATED,
    ownerId: 424242,
    language,
    collaborators: [{ uid: 424242, liveControl: true, permission: "write", publicId: "quant-dev", owner: true }],
    leanVersionId: 17000,
    leanPinnedToMaster: true,
    owner: true,
    description: "",
    channelId: "c0ffee",
    parameters: [],
    libraries: [],
    grid: "",
    liveGrid: "",
    paperEquity: 100000,
    lastLiveDeployment: null,
    liveForm: null,
    encrypted: false,
    codeRunning: false,
    leanEnvironment: 1,
  };
}

function backtestResult(projectId: number, backtestId: string, name = "Smooth Orange Kangaroo") {
  return {
    note: "",
    name,
    organizationId: ORGANIZATION_ID,
    projectId,
    completed: true,
    optimizationId: null,
    backtestId,
    tradeableDates: 251,
    researchGuide: { minutes: 12, backtestCount: 3, parameters: 2 },
    backtestStart: "2024-01-02T00:00:00Z",
    backtestEnd: "2024-12-31T00:00:00Z",
    created: CREATED,
    snapshotId: 0,
    status: "Completed.",
    error: null,
    stacktrace: null,
    progress: 1,
    hasInitializeError: false,
    charts: { "Strategy Equity": { name: "Strategy Equity" }, Benchmark: { name: "Benchmark" } },
    parameterSet: { fast: "10", slow: "30" },
    rollingWindow: Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`M1_2024${String(i + 1).padStart(2, "0")}31`, { tradeStatistics: { totalNumberOfTrades: i }, portfolioStatistics: { sharpeRatio: 0.1 * i } }]),
    ),
    runtimeStatistics: { Equity: "$112,431.10", Fees: "-$84.22", Holdings: "$0.00", "Net Profit": "$12,431.10", Return: "12.43 %" },
    statistics: { "Total Orders": "48", "Sharpe Ratio": "0.912", Drawdown: "8.100%", "Net Profit": "12.431%" },
    totalPerformance: {
      tradeStatistics: { totalNumberOfTrades: 24, winRate: 0.58 },
      portfolioStatistics: { sharpeRatio: 0.912, drawdown: 0.081 },
      closedTrades: Array.from({ length: 24 }, (_, i) => ({
        symbol: { value: "SPY", id: "SPY R735QTJ8XC9X", permtick: "SPY" },
        entryTime: "2024-02-01T14:31:00Z",
        entryPrice: 490 + i,
        direction: i % 2 ? "Short" : "Long",
        quantity: 10,
        exitTime: "2024-02-09T20:00:00Z",
        exitPrice: 495 + i,
        profitLoss: 50,
        totalFees: 2,
        mae: -12,
        mfe: 60,
        duration: "8.05:29:00",
        endTradeDrawdown: -10,
      })),
    },
    nodeName: "B2-8",
    outOfSampleMaxEndDate: null,
    outOfSampleDays: 0,
  };
}

function order(id: number) {
  return {
    id,
    contingentId: 0,
    brokerId: [`${id}`],
    symbol: { value: "SPY", id: "SPY R735QTJ8XC9X", permtick: "SPY" },
    price: 490.12,
    priceCurrency: "USD",
    time: "2024-02-01T14:31:00Z",
    createdTime: "2024-02-01T14:31:00Z",
    quantity: 10,
    type: 0,
    status: 3,
    tag: "",
    securityType: 1,
    direction: 0,
    value: 4901.2,
    events: [],
  };
}

function insight(index: number) {
  return {
    id: `ins-${index}`,
    groupId: null,
    sourceModel: "EmaCrossAlphaModel",
    generatedTime: 1706797860 + index * 60,
    createdTime: 1706797860 + index * 60,
    closeTime: 1706884260 + index * 60,
    symbol: "SPY R735QTJ8XC9X",
    ticker: "SPY",
    type: "price",
    direction: index % 2 ? "down" : "up",
    period: 86400,
    magnitude: null,
    confidence: null,
    weight: null,
    scoreIsFinal: true,
    tag: "",
  };
}

function range(body: Record<string, unknown>, make: (i: number) => unknown, total = 250) {
  const start = num(body.start, 0);
  const end = Math.min(num(body.end, start + 100), total);
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => make(start + i));
}

function chart(name: string, count: number, start: number, end: number) {
  const points = Math.min(count, 50);
  const step = (end - start) / Math.max(points - 1, 1);
  return {
    name,
    chartType: 0,
    series: {
      Equity: {
        name: "Equity",
        unit: "$",
        index: 0,
        seriesType: 2,
        values: Array.from({ length: points }, (_, i) => [Math.round(start + i * step), 100000 + i * 37, 100000 + i * 40, 100000 + i * 35, 100000 + i * 38]),
      },
    },
  };
}

function liveAlgorithm(projectId: number, deployId = `L-${projectId.toString(16).padStart(8, "0")}a1b2c3d4`) {
  return {
    projectId,
    deployId,
    status: "Running",
    launched: CREATED,
    stopped: null,
    brokerage: "PaperBrokerage",
    subscription: "Strategy Equity",
    error: "",
  };
}

function optimization(projectId: number, optimizationId: string, name = "Optimization 1") {
  return {
    optimizationId,
    snapshotId: "",
    projectId,
    name,
    status: "Running",
    nodeType: "O2-8",
    parallelNodes: 4,
    criterion: { target: "TotalPerformance.PortfolioStatistics.SharpeRatio", extremum: "max", targetValue: null },
    runtimeStatistics: { Completed: "4", Failed: "0", Running: "4", "In Queue": "12", Average: "00:01:31" },
    constraints: [],
    parameters: [{ name: "fast", min: 5, max: 20, step: 5 }],
    backtests: {},
    strategy: "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy",
    requested: CREATED,
    outOfSampleDays: 0,
    outOfSampleMaxEndDate: null,
  };
}

const aiAnswer = (payload: unknown, payloadType: string) => ({ body: { state: "End", version: "2.0", payload, payloadType } });

/** The answer the stand-in gives to `call` (already authenticated and parsed). */
export function answerFor(endpoint: string, call: RecordedCall, state: FixtureState): FixtureAnswer {
  const body = call.body;
  const projectId = num(body.projectId, 23456789);
  const backtestId = str(body.backtestId, "26c7bb06b8487cff1c7b3c44652b30f1");
  switch (endpoint) {
    case "/account/read":
      return ok({ organizationId: ORGANIZATION_ID, creditBalance: 1234.5, card: { brand: "visa", expiration: "12/27", last4: "4242" } });
    case "/projects/create":
      return ok({ projects: [project(98765432, str(body.name, "New Project"), str(body.language, "Py"))], versions: [] });
    case "/projects/read":
      if (body.projectId !== undefined) return ok({ projects: [project(projectId)], versions: [] });
      return ok({ projects: range(body, (i) => project(10000000 + i), 3), versions: [] });
    case "/projects/update":
    case "/projects/delete":
    case "/projects/collaboration/lock/acquire":
    case "/files/patch":
    case "/files/delete":
    case "/backtests/update":
    case "/backtests/delete":
    case "/optimizations/update":
    case "/optimizations/abort":
    case "/optimizations/delete":
    case "/live/update/stop":
    case "/live/update/liquidate":
    case "/live/commands/create":
    case "/live/commands/broadcast":
    case "/object/set":
    case "/object/delete":
      return ok();
    case "/projects/collaboration/create":
    case "/projects/collaboration/update":
    case "/projects/collaboration/delete":
      return ok({ collaborators: [{ uid: 424242, liveControl: true, permission: "write", publicId: "quant-dev", name: "Quant Dev", owner: true }] });
    case "/projects/collaboration/read":
      return ok({
        collaborators: [{ uid: 424242, liveControl: true, permission: "write", publicId: "quant-dev", name: "Quant Dev", owner: true }],
        userLiveControl: true,
        userPermissions: "write",
      });
    case "/projects/nodes/read":
    case "/projects/nodes/update": {
      const selected = Array.isArray(body.nodes) ? (body.nodes as string[]) : [];
      const node = (id: string, name: string, sku: string) => ({
        id, name, sku, busy: false, projectName: "", description: "2 CPU, 8 GB", usedBy: "", usages: 0, prices: { monthly: 28, yearly: 24 },
        cpuCount: 2, ram: 8, assets: 0, host: "", active: selected.includes(id),
      });
      return ok({
        nodes: { backtest: [node("backtest-1", "B2-8", "B2-8")], research: [node("research-1", "R2-8", "R2-8")], live: [node("live-1", "L1-2", "L1-2")] },
        autoSelectNode: selected.length === 0,
      });
    }
    case "/files/create":
    case "/files/update":
      if (body.newName !== undefined) return ok();
      return ok({ files: [{ id: 1, projectId, name: str(body.name, "main.py"), content: str(body.content, ""), modified: CREATED, open: true, isLibrary: false }] });
    case "/files/read": {
      const files = body.name !== undefined ? [str(body.name, "main.py")] : ["main.py", "research.ipynb"];
      return ok({ files: files.map((name, i) => ({ id: i + 1, projectId, name, content: `# ${name} of project ${projectId}\n`, modified: CREATED, open: i === 0, isLibrary: false })) });
    }
    case "/compile/create":
      return ok({ compileId: `${projectId}-c0mp11e`, state: "InQueue", projectId, signature: "sig", signatureOrder: ["main.py"], parameters: [] });
    case "/compile/read":
      return ok({ compileId: str(body.compileId, ""), state: "BuildSuccess", logs: ["Build Request Successful for Project ID: " + projectId] });
    case "/backtests/create":
      return ok({ backtest: { ...backtestResult(projectId, "b4c7e57c0ffee", str(body.backtestName, "New Backtest")), completed: false, progress: 0, status: "In Queue..." }, debugging: false });
    case "/backtests/read":
      return ok({ backtest: backtestResult(projectId, backtestId) });
    case "/backtests/list":
      return ok({
        backtests: [{ backtestId, status: "Completed.", name: "Smooth Orange Kangaroo", created: CREATED, progress: 1, optimizationId: null, tradeableDates: 251, parameterSet: {}, snapshotId: 0, tags: [], sharpeRatio: body.includeStatistics ? 0.912 : undefined }],
        count: 1,
      });
    case "/backtests/chart/read":
    case "/live/chart/read":
      return ok({ chart: chart(str(body.name, "Strategy Equity"), num(body.count, 100), num(body.start, 0), num(body.end, 1)) });
    case "/backtests/orders/read":
    case "/live/orders/read":
      return ok({ orders: range(body, order, 48), length: 48 });
    case "/backtests/read/insights":
    case "/live/insights/read":
      return ok({ insights: range(body, insight, 120), length: 120 });
    case "/optimizations/estimate":
      return ok({ estimate: { estimateId: "e-1", time: 1860, balance: 12 } });
    case "/optimizations/create":
      return ok({ optimizations: [optimization(projectId, "O-401d3d40b5a0e9f8c46c954a303f3ddd", str(body.name, "Optimization"))] });
    case "/optimizations/read":
      return ok({ optimization: optimization(projectId, str(body.optimizationId, "O-1")) });
    case "/optimizations/list":
      return ok({ optimizations: [optimization(projectId, "O-401d3d40b5a0e9f8c46c954a303f3ddd")] });
    case "/live/auth0/read": {
      const authorization = state.authorizedBrokerages.get(str(body.brokerage, ""));
      return authorization ? ok({ authorization }) : { body: { success: false, errors: [`No authorization found for ${str(body.brokerage, "?")}`] } };
    }
    case "/live/auth0/authorize":
      return { redirect: `${state.baseUrl}/authorize?brokerage=${encodeURIComponent(str(body.brokerage, ""))}` };
    case "/live/create":
      return ok({ ...liveAlgorithm(projectId), versionId: str(body.versionId, "-1"), source: "api" });
    case "/live/read":
      return ok({ ...liveAlgorithm(projectId, typeof body.deployId === "string" ? body.deployId : undefined), files: [], charts: {}, runtimeStatistics: { Equity: "$100,512.00" } });
    case "/live/list":
      return ok({ live: [liveAlgorithm(body.projectId !== undefined ? projectId : 23456789)] });
    case "/live/logs/read": {
      const start = num(body.startLine, 0);
      const end = num(body.endLine, start);
      return ok({ logs: Array.from({ length: Math.max(0, end - start) }, (_, i) => `2026-11-20 14:0${i % 10}:00 line ${start + i}`), length: 1000, deploymentOffset: 0 });
    }
    case "/live/portfolio/read":
      return ok({
        portfolio: {
          holdings: { SPY: { symbol: { value: "SPY", id: "SPY R735QTJ8XC9X", permtick: "SPY" }, type: "Equity", currencySymbol: "$", averagePrice: 490.1, quantity: 10, marketPrice: 495.2, conversionRate: 1, marketValue: 4952, unrealizedPnl: 51 } },
          cash: { USD: { symbol: "USD", amount: 95500, conversionRate: 1, currencySymbol: "$", valueInAccountCurrency: 95500 } },
        },
      });
    case "/object/properties":
      return ok({ metadata: { key: str(body.key, ""), modified: CREATED, created: CREATED, size: 24, md5: "d41d8cd98f00b204e9800998ecf8427e", mime: "application/json", preview: '{"weights": [0.1, 0.2]}' } });
    case "/object/get":
      if (Array.isArray(body.keys)) return ok({ jobId: "job-7f3a", url: null });
      return ok({ jobId: str(body.jobId, ""), url: `${state.baseUrl}/download/${str(body.jobId, "")}.zip` });
    case "/object/list":
      return ok({
        path: str(body.path, "/"),
        objects: [{ key: "models/weights.json", name: "weights.json", modified: CREATED, mime: "application/json", folder: false, size: 24 }],
        objectStorageUsed: 24,
        objectStorageUsedHuman: "24 B",
      });
    case "/lean/versions/read":
      return ok({ versions: [{ id: 17000, created: CREATED, description: "LEAN 2.5.17000", leanHash: "abc123", leanCloudHash: "def456", name: "master", ref: "refs/heads/master", public: 1 }] });
    case "/ai/tools/backtest-init":
      return aiAnswer("Initialization completed without errors.", "String");
    case "/ai/tools/complete":
      return aiAnswer([`${str(body.sentence, "")})`, `${str(body.sentence, "")}, Resolution.DAILY)`], "StringArray");
    case "/ai/tools/error-enhance":
      return aiAnswer(`The error "${str((body.error as Record<string, unknown> | undefined)?.message, "")}" means a variable was used before assignment.`, "String");
    case "/ai/tools/pep8-convert":
      return aiAnswer(Object.fromEntries(((body.files as { name: string; content: string }[] | undefined) ?? []).map((f) => [f.name, f.content.replace(/\s+$/, "") + "\n"])), "StringDict");
    case "/ai/tools/syntax-check":
      return aiAnswer([], "StringArray");
    case "/ai/tools/search":
      return {
        body: {
          state: "End",
          version: "2.0",
          retrivals: [{ url: "https://www.quantconnect.com/docs/v2/writing-algorithms/universes/index-options", score: 0.32, content: "Index options...", type: 2 }],
          messageId: 0,
        },
      };
    default:
      return { status: 404, body: { success: false, errors: [`unknown endpoint ${endpoint}`] } };
  }
}
