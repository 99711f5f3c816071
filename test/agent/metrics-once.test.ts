/**
 * A signal sent twice with the same id is one order: the second delivery gets the recorded
 * outcome back, and the metrics count the order, the signal and its latency once.
 */
import { afterEach, expect, it } from "vitest";
import { loadAgentConfig } from "../../services/agent/config.js";
import { createAgentDeps, type AgentDeps } from "../../services/agent/deps.js";
import { RiskConfigSchema } from "../../services/agent/risk/limits.js";
import { parseSignal } from "../../services/agent/signal.js";
import { createLogger } from "../../services/shared/logger.js";
import { ScenarioBroker } from "./helpers/scenario-broker.js";

let deps: AgentDeps | undefined;
afterEach(async () => {
  await deps?.loop.stop();
  await deps?.close();
  deps = undefined;
});

it("counts a signal sent again as neither a second order nor a second signal", async () => {
  const broker = new ScenarioBroker();
  deps = await createAgentDeps(loadAgentConfig({ LOG_LEVEL: "silent" }), createLogger("agent-test", { level: "silent" }), new Map([[broker.name, broker]]), RiskConfigSchema.parse({}));
  await deps.loop.start();
  const signal = parseSignal(JSON.stringify({ id: "twice", strategy: "t", broker: broker.name, symbol: "EURUSD", side: "buy", quantity: 1, created_at: Date.now() }));
  const first = await deps.submitSignal(signal, 5000);
  const again = await deps.submitSignal(signal, 5000);
  expect(first?.status).toBe("placed");
  expect(again).toEqual(first);
  // The second delivery is processed (and acknowledged) too, before the metrics are read.
  const deadline = Date.now() + 5000;
  while (deps.loop.processedCount < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(deps.loop.processedCount).toBe(2);
  const metrics = await deps.metrics.registry.metrics();
  expect(metrics).toMatch(new RegExp(`qm_agent_orders_total\\{broker="${broker.name}",duplicate="false"\\} 1\\n`));
  expect(metrics).toMatch(/qm_agent_signals_total\{status="placed"\} 1\n/);
  expect(metrics).toMatch(/qm_agent_signal_to_ack_seconds_count 1\n/);
});
