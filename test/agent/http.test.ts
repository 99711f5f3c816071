/**
 * The agent's HTTP surface, in process: /healthz, /readyz, /metrics behind the key, and every
 * MCP tool through the official SDK client over Streamable HTTP (app.fetch as the network).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../services/agent/config.js";
import { createAgentDeps, type AgentDeps } from "../../services/agent/deps.js";
import { createAgentHttpApp } from "../../services/agent/http-app.js";
import { RiskConfigSchema } from "../../services/agent/risk/limits.js";
import { clientOrderId } from "../../services/agent/signal.js";
import { createLogger } from "../../services/shared/logger.js";
import { ScenarioBroker } from "./helpers/scenario-broker.js";

const KEY = "agent-test-key-0123456789";

interface Running {
  deps: AgentDeps;
  broker: ScenarioBroker;
  app: ReturnType<typeof createAgentHttpApp>;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Running> {
  const broker = new ScenarioBroker();
  const config = loadAgentConfig({ LOG_LEVEL: "silent", MCP_API_KEY: KEY, ...env });
  const risk = RiskConfigSchema.parse({ defaults: { max_position: 5 } });
  const deps = await createAgentDeps(config, createLogger("agent-test", { level: "silent" }), new Map([[broker.name, broker]]), risk);
  await deps.loop.start();
  const app = createAgentHttpApp(deps, [KEY]);
  const client = new Client({ name: "agent-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("http://agent.test/mcp"), {
      fetch: async (url, init) => app.fetch(new Request(url, init)),
      requestInit: { headers: { "x-api-key": KEY } },
    }),
  );
  running = {
    deps,
    broker,
    app,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await deps.loop.stop();
      await deps.close();
    },
  };
  return running;
}

const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

describe("agent HTTP", () => {
  it("answers /healthz openly, /readyz with each dependency, and /metrics only with the key", async () => {
    const { app, broker } = await start();
    expect(await (await app.request("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { streams: true, "broker:scenario": true } });
    broker.down = true;
    const notReady = await app.request("/readyz");
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: "not_ready", checks: { streams: true, "broker:scenario": false } });

    expect((await app.request("/metrics")).status).toBe(401);
    const metrics = await app.request("/metrics", { headers: { authorization: `Bearer ${KEY}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE qm_agent_signal_to_ack_seconds histogram");
  });

  it("refuses the trading tools unless AGENT_MCP_TRADING=true, and serves the read tools", async () => {
    const { call, broker } = await start();
    const submit = await call("submit_signal", { signal: { id: "s1", strategy: "t", broker: "scenario", symbol: "EURUSD", side: "buy", quantity: 1 } });
    expect(submit.isError).toBe(true);
    expect(text(submit)).toMatch(/^TRADING_OVER_MCP_DISABLED: /);
    expect((await call("set_kill_switch", { on: true })).isError).toBe(true);
    expect(broker.placeCalls).toBe(0);

    const status = await call("get_agent_status");
    expect(status.structuredContent).toMatchObject({ backend: "in-process", kill_switch: false, trading_over_mcp: false, brokers: [{ broker: "scenario", reachable: true }] });
    const limits = await call("get_risk_limits", { broker: "scenario", symbol: "EURUSD" });
    expect(limits.structuredContent).toEqual({ broker: "scenario", symbol: "EURUSD", limits: { max_position: 5 } });
    const unknown = await call("get_positions", { broker: "nope" });
    expect(text(unknown)).toBe("UNKNOWN_BROKER: no enabled broker named nope; enabled: scenario");
  });

  it("with trading over MCP: submits through the stream to one order, refuses over a limit, and the kill switch stops the next", async () => {
    const { call, broker, app } = await start({ AGENT_MCP_TRADING: "true" });
    const placed = await call("submit_signal", { signal: { id: "mcp-1", strategy: "t", broker: "scenario", symbol: "EURUSD", side: "buy", quantity: 2 } });
    expect(placed.structuredContent).toMatchObject({ status: "placed", client_order_id: clientOrderId("mcp-1"), quantity: 2 });
    expect(broker.accepted).toHaveLength(1);

    const again = await call("submit_signal", { signal: { id: "mcp-1", strategy: "t", broker: "scenario", symbol: "EURUSD", side: "buy", quantity: 2 } });
    expect(again.structuredContent).toMatchObject({ status: "placed", order_id: "1" });
    expect(broker.accepted).toHaveLength(1);

    const refused = await call("submit_signal", { signal: { id: "mcp-2", strategy: "t", broker: "scenario", symbol: "EURUSD", side: "buy", quantity: 4 } });
    expect(refused.structuredContent).toMatchObject({ status: "refused", limit: "max_position", excess: 1 });

    expect((await call("set_kill_switch", { on: true, reason: "test" })).structuredContent).toEqual({ kill_switch: true });
    const killed = await call("submit_signal", { signal: { id: "mcp-3", strategy: "t", broker: "scenario", symbol: "EURUSD", side: "sell", quantity: 1 } });
    expect(killed.structuredContent).toMatchObject({ status: "refused", limit: "kill_switch" });

    const positions = await call("get_positions", {});
    expect(positions.structuredContent).toMatchObject({ brokers: [{ broker: "scenario", positions: [{ side: "buy", quantity: 2 }] }] });
    const events = await call("get_recent_events", { limit: 10, type: "refusal" });
    expect((events.structuredContent as { events: { limit: string }[] }).events.map((e) => e.limit)).toEqual(["kill_switch", "max_position"]);

    const metrics = await (await app.request("/metrics", { headers: { "x-api-key": KEY } })).text();
    // mcp-1 sent twice is one signal and one order (f2590fd counts a repeated id once).
    expect(metrics).toMatch(/qm_agent_signals_total\{status="placed"\} 1/);
    expect(metrics).toMatch(/qm_agent_refusals_total\{limit="max_position"\} 1/);
    expect(metrics).toMatch(/qm_agent_kill_switch 1/);
  });

  it("validates tool input with a clear error", async () => {
    const { call } = await start({ AGENT_MCP_TRADING: "true" });
    const bad = await call("submit_signal", { signal: { id: "x", strategy: "t", broker: "scenario", symbol: "EURUSD", quantity: 1 } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toBe("SIGNAL_INVALID: side: side is required with quantity");
    const limit = await call("get_recent_events", { limit: 100_000 });
    expect(limit.isError).toBe(true);
    expect(text(limit)).toMatch(/limit/);
  });
});
