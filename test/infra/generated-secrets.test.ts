/**
 * Secrets the stack owns, through the whole program (infra/index.ts) under mocks: a fresh stack
 * with only the outside secrets set evaluates; every secret it generates is a secret output,
 * appears in no plain input or output, and reaches only the services that receive it; a service
 * turned off needs none of its secrets and deploys nothing.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { SERVICE_CATALOGUE } from "../../infra/catalogue.js";
import { secretConsumers } from "../../infra/secret-consumers.js";
import { secretsForTarget, STACK_SECRETS } from "../../stacks/secrets.js";
import { installPulumiMocks, isSecretOutput, plainTextLeaks, reveal, secretOccurrences, settled, valueOf, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { externalOnlyStackConfig } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";

type Program = typeof import("../../infra/index.js");

const PASSWORD = "random:index/randomPassword:RandomPassword";
const CONTAINER = "docker:index/container:Container";

async function runProgram(stack: string, config: Record<string, string>, secretKeys: string[]): Promise<{ program: Program; run: PulumiMockRun }> {
  vi.resetModules();
  const run = await installPulumiMocks(stack, config, secretKeys);
  const program = (await import("../../infra/index.js")) as Program;
  await valueOf(program.mcpClientConfig);
  await settled(run);
  return { program, run };
}

/** Each generated password by stack secret name, as the mock provider made it. */
function generatedPasswords(run: PulumiMockRun): Record<string, string> {
  return Object.fromEntries(run.ofType(PASSWORD).map((r) => [r.name.replace(/^stack-secrets-/, ""), String(r.state!["result"])]));
}

/** The plain (not secret) stack outputs, resolved. */
async function plainOutputs(program: Program): Promise<string> {
  const outputs = { target: program.target, environment: program.environment, endpoints: program.endpoints, accessNotes: program.accessNotes, jobs: program.jobs };
  return JSON.stringify(reveal(await valueOf(outputs as never)));
}

describe("a fresh dev stack with only the outside secrets", () => {
  it("evaluates, generates the internal secrets, and keeps each secret, reaching only its consumers", async () => {
    const { config, secretKeys } = externalOnlyStackConfig("dev");
    expect(secretKeys.sort()).toEqual(["quantmind:qcApiToken", "quantmind:qcUserId"]);
    const { program, run } = await runProgram("dev", config, secretKeys);

    const generated = generatedPasswords(run);
    const expected = secretsForTarget("local").filter((key) => (STACK_SECRETS[key] as { generated?: unknown }).generated !== undefined);
    expect(Object.keys(generated).sort()).toEqual([...expected].sort());
    for (const value of Object.values(generated)) expect(value).toMatch(/^[A-Za-z0-9]{40}$/);

    // In no plain input, and in no plain output.
    expect(plainTextLeaks(run.resources, Object.values(generated))).toEqual([]);
    const outputs = await plainOutputs(program);
    for (const value of Object.values(generated)) expect(outputs).not.toContain(value);

    // Each reaches exactly the containers of its consumers (backends and services), as a secret.
    for (const [key, value] of Object.entries(generated)) {
      const found = secretOccurrences(run.resources, [value]);
      expect(found.every((occurrence) => occurrence.wrapped), key).toBe(true);
      const receivers = new Set(found.map((occurrence) => occurrence.where.split(" ")[1]!.split(".")[0]!.replace(/-container-secrets$/, "")));
      expect([...receivers].sort(), key).toEqual(secretConsumers(key as never).sort());
      for (const occurrence of found) expect(occurrence.where, key).toMatch(new RegExp(`^${CONTAINER} [a-z0-9-]+-container-secrets\\.`));
    }

    // The client configuration carries the generated MCP keys, and is secret.
    expect(await isSecretOutput(program.mcpClientConfig)).toBe(true);
    const clientConfig = JSON.parse(await valueOf(program.mcpClientConfig)) as { cursor: { mcpServers: Record<string, { headers?: Record<string, string> }> } };
    const json = JSON.stringify(clientConfig);
    expect(json).toContain(generated["kbMcpApiKey"]);
    expect(json).toContain(generated["qcMcpApiKey"]);
  });

  it("with qc-mcp off needs no QuantConnect secret and deploys no qc-mcp", async () => {
    const services = SERVICE_CATALOGUE.filter((service) => service.targets.includes("local") && service.name !== "qc-mcp").map((service) => service.name);
    const { config, secretKeys } = externalOnlyStackConfig("dev", { "quantmind:services": services.join(",") }, ["qcUserId", "qcApiToken"]);
    expect(Object.keys(config).filter((key) => /qc/i.test(key))).toEqual([]);
    const { program, run } = await runProgram("dev", config, secretKeys);
    const containers = run.ofType(CONTAINER).map((r) => r.name);
    expect(containers.some((name) => name.startsWith("qc-mcp"))).toBe(false);
    expect(containers).toContain("kb-mcp-container");
    expect(Object.keys(generatedPasswords(run))).not.toContain("qcMcpApiKey");
    expect(Object.keys(await valueOf(program.endpoints))).not.toContain("qc-mcp");
    expect(await valueOf(program.mcpClientConfig)).not.toContain("quantmind-qc");
  });
});

describe("a fresh testnet stack", () => {
  it("generates the bridge's token and certificate, and mt5BridgeFingerprint is that certificate's", async () => {
    const home = await makeTempDir();
    vi.stubEnv("HOME", home.dir);
    try {
      const { config, secretKeys } = externalOnlyStackConfig("testnet");
      expect(secretKeys.sort()).toEqual(["quantmind:mt5Password", "quantmind:qcApiToken", "quantmind:qcUserId", "quantmind:vpsSshPrivateKey"]);
      const { program, run } = await runProgram("testnet", config, secretKeys);
      const certPem = String(run.named("tls:index/selfSignedCert:SelfSignedCert", "stack-secrets-mt5BridgeTls-cert").state!["certPem"]);
      const keyPem = String(run.named("tls:index/privateKey:PrivateKey", "stack-secrets-mt5BridgeTls-key").state!["privateKeyPemPkcs8"]);
      const endpoints = (await valueOf(program.endpoints)) as Record<string, string>;
      expect(endpoints["mt5BridgeFingerprint"]).toBe(new X509Certificate(certPem).fingerprint256);
      const generated = generatedPasswords(run);
      expect(generated["mt5BridgeToken"]).toMatch(/^[A-Za-z0-9]{48}$/);
      const keyBody = keyPem.split("\n").slice(1, -2).join("");
      expect(plainTextLeaks(run.resources, [...Object.values(generated), keyBody])).toEqual([]);
      expect(await plainOutputs(program)).not.toContain(keyBody);
      // The private key reaches the Windows host's install (on its stdin), as a secret, and nothing else.
      const keyAt = secretOccurrences(run.resources, [keyPem.split("\n")[1]!]).map((o) => o.where.split(".")[0]);
      expect([...new Set(keyAt)]).toEqual(["command:remote:Command mt5-bridge-install"]);
    } finally {
      vi.unstubAllEnvs();
      await home.remove();
    }
  });
});
