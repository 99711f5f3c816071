/**
 * How the strategy agent deploys: one long-running copy on every target, reading signals from
 * Redis and serving /healthz, /readyz, /metrics and /mcp on 8080. Reads AgentEnvSchema
 * (config.ts) and, through config/brokers.yaml as shipped in the image, the bridge's variables.
 *
 * Shape `daemon` with an HTTP listener that also serves MCP, not `mcp`: its work is the signal
 * stream, not requests. It must run as exactly one copy whatever the traffic on /mcp (an `mcp`
 * service is request-driven and may scale on CPU), and /mcp is a secondary, mostly read-only
 * operator interface on the same port as the probes.
 *
 * One copy (`stateless: false`, no scaling): Redis would let several consumers share the group
 * (each has its own name, and XAUTOCLAIM takes over a stopped one's entries), but the risk
 * governor's per-minute order counts, daily-loss latch, circuit breakers and volatility window
 * live in the process, and signals for one symbol must be handled in order; two agents would
 * each allow the full rate and could reorder one symbol's orders. The consumer name is therefore
 * fixed to the service's, so a restart takes its own place in the group (and heartbeat key)
 * instead of adding a consumer per restart. On aws a stateful service stops before its new task
 * starts (service.ts), so two never overlap.
 */
import { CONTAINER_DATA_DIR, defineService, type EnvName, type EnvSpec, type Runtime } from "../../infra/descriptor.js";
import { AGENT_PORT, type AgentEnvSchema } from "./config.js";

export const AGENT_SERVICE = "strategy-agent";

/**
 * The variables config/brokers.yaml (as shipped) reads for its mt5_socket entry, which the vps
 * target sets so the agent reaches the bridge on the Windows host. The file is YAML, not zod, so
 * they are named here for `tsc`; `parse` below checks that the broker loader really reads them.
 */
type Mt5BridgeVariable = "MT5_BRIDGE_ENABLED" | "MT5_BRIDGE_HOST" | "MT5_BRIDGE_PORT" | "MT5_BRIDGE_CERT_SHA256" | "MT5_BRIDGE_TOKEN";

type AgentVariable = EnvName<typeof AgentEnvSchema> | Mt5BridgeVariable;

const env: EnvSpec<AgentVariable> = {
  REDIS_URL: (c) => c.redisUrl,
  AGENT_ID: () => AGENT_SERVICE,
  QM_DATA_DIR: () => CONTAINER_DATA_DIR,
  LOG_LEVEL: (c) => c.logLevel,
  // Only where the target runs a bridge (vps): the mt5_socket broker is then enabled and pinned.
  MT5_BRIDGE_ENABLED: (c) => (c.mt5Bridge ? "true" : undefined),
  MT5_BRIDGE_HOST: (c) => c.mt5Bridge?.host,
  MT5_BRIDGE_PORT: (c) => (c.mt5Bridge ? String(c.mt5Bridge.port) : undefined),
  MT5_BRIDGE_CERT_SHA256: (c) => c.mt5Bridge?.fingerprint,
};

const run: Runtime<AgentVariable> = {
  shape: {
    kind: "daemon",
    http: { port: AGENT_PORT, healthPath: "/healthz", mcp: { clientName: "quantmind-agent", apiKeySecret: "agentMcpApiKey" } },
  },
  command: ["serve", "agent", "--host", "0.0.0.0", "--port", String(AGENT_PORT)],
  env,
  secrets: { REDIS_PASSWORD: "redisPassword", MCP_API_KEY: "agentMcpApiKey" },
  tmpfsPaths: ["/tmp"],
  // The older design's limits: 1 CPU, 512 MB, 100 processes and threads.
  limits: { memoryMb: 512, cpus: 1, pidsLimit: 100 },
  backends: ["redis"],
  stateless: false,
  scaling: { signal: "none" },
  // config/brokers.yaml: the stack's broker variables (`quantmind:BINANCE_SPOT_API_KEY`) arrive as files.
  brokers: true,
};

/**
 * What `serve agent` reads at start: its own configuration, then config/brokers.yaml with the
 * same environment (an enabled broker whose variables do not resolve stops it there). Returns the
 * configuration plus every variable the broker file read, resolved (`_FILE` included), so the
 * contract test sees a variable the file does not read as undelivered.
 */
async function parse(delivered: Record<string, string | undefined>): Promise<Record<string, unknown>> {
  const { loadAgentConfig } = await import("./config.js");
  const { loadBrokersConfig } = await import("../brokers/config/load.js");
  const { lookupVariable, SubstitutionError } = await import("../brokers/config/substitute.js");
  const config = loadAgentConfig(delivered);
  const read = new Set<string>();
  const watched = new Proxy(delivered, {
    get: (target, name) => {
      if (typeof name === "string") read.add(name);
      return target[name as string];
    },
  });
  loadBrokersConfig(config.BROKERS_CONFIG, watched);
  const brokerVariables = [...read].filter((name) => !name.endsWith("_FILE")).flatMap((name) => {
    try {
      const value = lookupVariable(delivered, name);
      return value === undefined ? [] : [[name, value] as const];
    } catch (error) {
      // Only a disabled entry's variable can fail here (an enabled one stopped the load above):
      // left out, so a delivery the agent cannot read shows as not reaching it.
      if (error instanceof SubstitutionError) return [];
      throw error;
    }
  });
  return { ...Object.fromEntries(brokerVariables), ...config };
}

export const agentDeploy = defineService<AgentVariable>({
  name: AGENT_SERVICE,
  description: "strategy agent: signals (Redis stream) -> risk limits -> brokers; /healthz, /readyz, /metrics and /mcp on 8080",
  targets: ["local", "vps", "aws"],
  run,
  runOn: {
    // The bridge's request-signing token: a stack secret of the vps target only.
    vps: { ...run, secrets: { ...run.secrets, MT5_BRIDGE_TOKEN: "mt5BridgeToken" } },
  },
  parse,
});
