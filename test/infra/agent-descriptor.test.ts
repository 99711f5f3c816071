/**
 * The strategy agent's descriptor (services/agent/deploy.ts): what it asks of each target, the
 * bridge settings only where the target runs a bridge, and its loader as the contract test uses it
 * (its own config, then config/brokers.yaml with the same environment).
 */
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentDeploy } from "../../services/agent/deploy.js";
import { PACKAGE_ROOT } from "../../services/shared/package-root.js";
import { CONTAINER_DATA_DIR, resolveEnv, runtimeOn } from "../../infra/descriptor.js";
import { TEST_CONTEXT as context } from "../helpers/deploy-context.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").toUpperCase()).join(":");
const bridge = { host: "10.30.1.10", port: 5555, fingerprint: FINGERPRINT };

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  temp = await makeTempDir("qm-agent-descriptor-");
});
afterAll(async () => {
  await temp.remove();
});

describe("the strategy-agent descriptor", () => {
  it("runs serve agent on 8080 as one hardened copy with Redis on every target", () => {
    for (const target of ["local", "vps", "aws"] as const) {
      const runtime = runtimeOn(agentDeploy, target)!;
      expect(runtime.command).toEqual(["serve", "agent", "--host", "0.0.0.0", "--port", "8080"]);
      expect(runtime.shape).toEqual({ kind: "daemon", http: { port: 8080, healthPath: "/healthz", mcp: { clientName: "quantmind-agent", apiKeySecret: "agentMcpApiKey" } } });
      expect(runtime.limits).toEqual({ memoryMb: 512, cpus: 1, pidsLimit: 100 });
      expect(runtime.tmpfsPaths).toEqual(["/tmp"]);
      expect(runtime.backends).toEqual(["redis"]);
      expect([runtime.stateless, runtime.scaling]).toEqual([false, { signal: "none" }]);
      expect(runtime.secrets).toMatchObject({ REDIS_PASSWORD: "redisPassword", MCP_API_KEY: "agentMcpApiKey" });
    }
    expect(runtimeOn(agentDeploy, "vps")!.secrets).toHaveProperty("MT5_BRIDGE_TOKEN", "mt5BridgeToken");
    expect(runtimeOn(agentDeploy, "local")!.secrets).not.toHaveProperty("MT5_BRIDGE_TOKEN");
  });

  it("sets the bridge's variables only when the target runs a bridge", () => {
    const run = runtimeOn(agentDeploy, "local")!;
    expect(resolveEnv(run, context)).toEqual({ REDIS_URL: "redis://redis:6379", AGENT_ID: "strategy-agent", QM_DATA_DIR: CONTAINER_DATA_DIR, LOG_LEVEL: "info" });
    expect(resolveEnv(runtimeOn(agentDeploy, "vps")!, { ...context, target: "vps", mt5Bridge: bridge })).toMatchObject({
      MT5_BRIDGE_ENABLED: "true",
      MT5_BRIDGE_HOST: "10.30.1.10",
      MT5_BRIDGE_PORT: "5555",
      MT5_BRIDGE_CERT_SHA256: FINGERPRINT,
    });
  });

  it("is not named anywhere under infra/targets: targets pick it by shape", () => {
    const dir = path.join(PACKAGE_ROOT, "infra", "targets");
    for (const file of readdirSync(dir)) expect(readFileSync(path.join(dir, file), "utf8"), file).not.toContain('"strategy-agent"');
  });
});

describe("its loader (agent config, then config/brokers.yaml)", () => {
  const token = "t".repeat(40);
  async function vpsDelivery(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const tokenFile = path.join(temp.dir, "MT5_BRIDGE_TOKEN");
    await writeFile(tokenFile, token);
    return {
      ...resolveEnv(runtimeOn(agentDeploy, "vps")!, { ...context, target: "vps", mt5Bridge: bridge }),
      REDIS_PASSWORD: "p".repeat(20),
      MCP_API_KEY: "k".repeat(20),
      MT5_BRIDGE_TOKEN_FILE: tokenFile,
      ...extra,
    };
  }

  it("returns every bridge variable the broker file read, the token from its file", async () => {
    const parsed = (await agentDeploy.parse(await vpsDelivery())) as Record<string, unknown>;
    expect(parsed).toMatchObject({ MT5_BRIDGE_ENABLED: "true", MT5_BRIDGE_HOST: "10.30.1.10", MT5_BRIDGE_PORT: "5555", MT5_BRIDGE_CERT_SHA256: FINGERPRINT, MT5_BRIDGE_TOKEN: token });
    expect(parsed["AGENT_ID"]).toBe("strategy-agent");
  });

  it("leaves out a variable the broker file never reads, so the contract test reports it", async () => {
    const parsed = (await agentDeploy.parse(await vpsDelivery({ MT5_BRIDGE_HOSTNAME: "10.30.1.10" }))) as Record<string, unknown>;
    expect(parsed).not.toHaveProperty("MT5_BRIDGE_HOSTNAME");
  });

  it("refuses an enabled bridge whose fingerprint is not a SHA-256, naming the file, broker and field", async () => {
    await expect(agentDeploy.parse(await vpsDelivery({ MT5_BRIDGE_CERT_SHA256: "not-a-fingerprint" }))).rejects.toThrow(
      /brokers\.yaml:\d+: broker mt5_socket, field cert_fingerprint: expected 64 hex digits/,
    );
  });
});
