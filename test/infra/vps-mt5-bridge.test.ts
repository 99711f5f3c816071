/**
 * The testnet stack (vps target) deploys the MT5 bridge to the Windows host: code copied over
 * SSH, installed with the stack's token and TLS secrets on stdin, and the certificate's
 * fingerprint published for the Linux side to pin.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretWrapper, plainTextLeaks, settled, valueOf, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig, TEST_MT5_BRIDGE_TLS } from "../helpers/stack-files.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const operator = operatorStackConfig("testnet");
const secretKeys = operator.secretKeys;
// the operator's MT5 demo account, as `pulumi config set` would give it
const config: Record<string, string> = { ...operator.config, "quantmind:mt5Login": "5001234", "quantmind:mt5Server": "QuantMind-Demo" };
let removeTempDir: () => Promise<void>;
let tempDir: string;
let run: PulumiMockRun;
let deployed: import("../../infra/targets/target.js").DeployedTarget;

beforeAll(async () => {
  const temp = await makeTempDir();
  removeTempDir = temp.remove;
  tempDir = temp.dir;
  run = await installPulumiMocks("testnet", config, secretKeys);
  const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
  const { createVpsTarget } = await import("../../infra/targets/vps.js");
  const stackConfig = loadStackConfig();
  if (stackConfig.target !== "vps") throw new Error("testnet is vps");
  deployed = createVpsTarget(stackConfig, loadStackSecrets(stackConfig), { sshKeyDir: path.join(temp.dir, "ssh") });
  await settled(run);
});

afterAll(() => removeTempDir());

describe("vps target: the MT5 bridge", () => {
  it("copies the bridge to the Windows host and installs it over SSH as Administrator", () => {
    const copy = run.named("command:remote:CopyToRemote", "mt5-bridge-code");
    const install = run.named("command:remote:Command", "mt5-bridge-install");
    for (const resource of [copy, install]) {
      const connection = resource.inputs["connection"] as Record<string, unknown>;
      const plain = (isSecretWrapper(connection) ? connection.value : connection) as Record<string, unknown>;
      expect(plain["host"]).toBe("203.0.113.10");
      expect(plain["user"]).toBe("Administrator");
    }
    expect(String(install.inputs["create"])).toContain("-Port 5555 -Mt5Login 5001234 -Mt5Server 'QuantMind-Demo'");
  });

  it("publishes the certificate fingerprint, matching openssl's, in plain text", async () => {
    const certFile = path.join(tempDir, "bridge.pem");
    writeFileSync(certFile, TEST_MT5_BRIDGE_TLS);
    const expected = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", certFile], { encoding: "utf8" }).trim().split("=")[1];
    expect(await valueOf(deployed.endpoints["mt5BridgeFingerprint"]!)).toBe(expected);
  });

  it("delivers the token, the private key and the MT5 password only inside secrets", () => {
    const install = run.named("command:remote:Command", "mt5-bridge-install");
    expect(isSecretWrapper(install.inputs["stdin"])).toBe(true);
    const token = config["quantmind:mt5BridgeToken"]!;
    const password = config["quantmind:mt5Password"]!;
    const keyLine = TEST_MT5_BRIDGE_TLS.split("\n")[1]!;
    expect(plainTextLeaks(run.resources, [token, password, keyLine])).toEqual([]);
    const stdin = JSON.parse(String((install.inputs["stdin"] as { value: unknown }).value)) as Record<string, string>;
    expect([stdin["token"], stdin["mt5_password"]]).toEqual([token, password]);
  });
});
