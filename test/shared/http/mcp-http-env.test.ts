/**
 * Every MCP service reads the same HTTP variables through `envField`, so each has a per-key rate
 * limit (one client cannot starve the others) with the same default, bounds and error messages.
 * The agent's app is checked end to end: its limit reaches `/mcp`.
 */
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../services/agent/config.js";
import { createAgentDeps } from "../../../services/agent/deps.js";
import { createAgentHttpApp } from "../../../services/agent/http-app.js";
import { RiskConfigSchema } from "../../../services/agent/risk/limits.js";
import { loadBacktestEnv } from "../../../services/backtest/service-config.js";
import { loadKbConfig } from "../../../services/kb/config.js";
import { loadQcConfig } from "../../../services/qc/config.js";
import { createLogger } from "../../../services/shared/logger.js";

const QC_CREDENTIALS = { QC_USER_ID: "12345", QC_API_TOKEN: "t".repeat(32) };
const loaders: Record<string, (env: Record<string, string>) => { MCP_RATE_LIMIT_PER_MINUTE: number; MCP_HOST: string }> = {
  kb: loadKbConfig,
  qc: (env) => loadQcConfig({ ...QC_CREDENTIALS, ...env }),
  backtest: loadBacktestEnv,
  agent: loadAgentConfig,
};

describe.each(Object.entries(loaders))("%s MCP HTTP variables", (_service, load) => {
  it("limits each key to 120 calls a minute on loopback unless told otherwise", () => {
    expect(load({})).toMatchObject({ MCP_RATE_LIMIT_PER_MINUTE: 120, MCP_HOST: "127.0.0.1" });
    expect(load({ MCP_RATE_LIMIT_PER_MINUTE: "0" }).MCP_RATE_LIMIT_PER_MINUTE).toBe(0);
  });

  it("refuses a negative or fractional limit, and a short API key, naming the variable", () => {
    expect(() => load({ MCP_RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/MCP_RATE_LIMIT_PER_MINUTE/);
    expect(() => load({ MCP_RATE_LIMIT_PER_MINUTE: "1.5" })).toThrow(/MCP_RATE_LIMIT_PER_MINUTE/);
    expect(() => load({ MCP_API_KEY: "short" })).toThrow(/MCP_API_KEY.*at least 16 characters/s);
  });
});

describe("the agent's /mcp", () => {
  it("answers 429 once a key has used its calls for the minute", async () => {
    const key = "agent-rate-limit-key-0123";
    const config = loadAgentConfig({ LOG_LEVEL: "silent", MCP_API_KEY: key, MCP_RATE_LIMIT_PER_MINUTE: "2" });
    const deps = await createAgentDeps(config, createLogger("agent-test", { level: "silent" }), new Map(), RiskConfigSchema.parse({}));
    try {
      const app = createAgentHttpApp(deps, [key]);
      const listTools = (id: number) =>
        app.fetch(
          new Request("http://agent.test/mcp", {
            method: "POST",
            headers: { "x-api-key": key, "content-type": "application/json", accept: "application/json, text/event-stream" },
            body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list" }),
          }),
        );
      const statuses = [];
      for (let id = 1; id <= 4; id++) statuses.push((await listTools(id)).status);
      expect(statuses.slice(2)).toEqual([429, 429]);
      expect(statuses.slice(0, 2)).not.toContain(429);
    } finally {
      await deps.close();
    }
  });
});
