/**
 * The MT5 bridge deployment (Windows host) under Pulumi mocks, and its pure parts: the code hash,
 * the secrets document and the certificate fingerprint the Linux side pins.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPulumiMocks, isSecretWrapper, plainTextLeaks, settled, valueOf, type PulumiMockRun } from "../helpers/pulumi-mocks.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const TOKEN = "a3f1c9e07b5d2468a3f1c9e07b5d2468a3f1c9e07b5d2468";
let dir: string;
let removeDir: () => Promise<void>;
let tls: string;
let otherTls: string;
let run: PulumiMockRun;
let files: typeof import("../../infra/components/vps/mt5-bridge-files.js");
let fingerprint: string;

function makeTls(name: string): string {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=mt5-bridge", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return `${readFileSync(key, "utf8")}${readFileSync(cert, "utf8")}`;
}

beforeAll(async () => {
  ({ dir, remove: removeDir } = await makeTempDir());
  tls = makeTls("bridge");
  otherTls = makeTls("other");
  // openssl's own figure, to check ours against an independent one
  fingerprint = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", path.join(dir, "bridge.crt")], { encoding: "utf8" }).trim().split("=")[1]!;
  run = await installPulumiMocks("testnet", {});
  files = await import("../../infra/components/vps/mt5-bridge-files.js");
  const { Mt5Bridge } = await import("../../infra/components/vps/mt5-bridge.js");
  const pulumi = await import("@pulumi/pulumi");
  const bridge = new Mt5Bridge("mt5-bridge", {
    connection: { host: "203.0.113.20", user: "Administrator", privateKey: pulumi.secret("ssh-key") },
    port: 5555,
    token: pulumi.secret(TOKEN),
    tls: pulumi.secret(tls),
  });
  expect(await valueOf(bridge.fingerprint)).toBe(fingerprint);
  expect(await pulumi.isSecret(bridge.fingerprint)).toBe(false);
  await settled(run);
});

afterAll(() => removeDir());

describe("Mt5Bridge component", () => {
  it("copies the bridge's folder to a staging folder named by its code hash", async () => {
    const copy = run.named("command:remote:CopyToRemote", "mt5-bridge-code");
    const hash = files.bridgeCodeHash();
    expect(copy.inputs["remotePath"]).toBe(`qm-mt5-bridge-${hash.slice(0, 16)}`);
    expect(copy.inputs["triggers"]).toEqual([hash]);
    const source = copy.inputs["source"] as { path: Promise<string> };
    expect(await valueOf(source.path)).toBe(files.MT5_BRIDGE_DIR);
  });

  it("installs with the secrets on stdin only, and reinstalls when code or secrets change", () => {
    const install = run.named("command:remote:Command", "mt5-bridge-install");
    const create = String(install.inputs["create"]);
    expect(create).toContain("install-bridge.ps1') -SourceDir $d -Port 5555");
    expect(create).not.toContain(TOKEN);
    expect(install.inputs["delete"]).toContain("Unregister-ScheduledTask -TaskName 'QuantMind MT5 bridge'");
    const stdin = install.inputs["stdin"];
    expect(isSecretWrapper(stdin)).toBe(true);
    const document = JSON.parse(String((stdin as { value: unknown }).value)) as Record<string, string>;
    expect(Object.keys(document).sort()).toEqual(["cert_pem", "key_pem", "token"]);
    expect(document["token"]).toBe(TOKEN);
    expect(document["cert_pem"]).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n$/);
    expect(document["key_pem"]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // one secret element makes the whole list secret in state
    const triggers = install.inputs["triggers"];
    expect(isSecretWrapper(triggers)).toBe(true);
    expect((triggers as { value: unknown }).value).toEqual([files.bridgeCodeHash(), files.bridgeSecrets(TOKEN, tls).digest]);
  });

  it("leaves no token or private key in plain text in the resources", () => {
    const keyBody = tls.split("\n")[1]!;
    expect(plainTextLeaks(run.resources, [TOKEN, keyBody])).toEqual([]);
  });
});

describe("bridge files", () => {
  it("hashes every file's path and content, but not bytecode caches", async () => {
    const copy = path.join(dir, "copy");
    cpSync(files.MT5_BRIDGE_DIR, copy, { recursive: true, filter: (source) => !source.includes("__pycache__") });
    const before = files.bridgeCodeHash(copy);
    expect(before).toBe(files.bridgeCodeHash());
    mkdirSync(path.join(copy, "mt5bridge", "__pycache__"), { recursive: true });
    writeFileSync(path.join(copy, "mt5bridge", "__pycache__", "x.cpython-311.pyc"), "cache");
    expect(files.bridgeCodeHash(copy)).toBe(before);
    expect(files.bridgeFiles(copy)).toContain("install/install-bridge.ps1");
    writeFileSync(path.join(copy, "mt5bridge", "limits.py"), "# changed\n", { flag: "a" });
    expect(files.bridgeCodeHash(copy)).not.toBe(before);
  });

  it("refuses a short token, a TLS document without a key, and a key that is not the certificate's", () => {
    expect(() => files.bridgeSecrets("short", tls)).toThrow(/mt5BridgeToken must be at least 32 bytes/);
    expect(() => files.bridgeSecrets(` ${TOKEN}`, tls)).toThrow(/without surrounding whitespace/);
    const certOnly = tls.slice(tls.indexOf("-----BEGIN CERTIFICATE-----"));
    expect(() => files.bridgeSecrets(TOKEN, certOnly)).toThrow(/must hold a PEM CERTIFICATE and its PRIVATE KEY/);
    const mixed = `${otherTls.slice(0, otherTls.indexOf("-----BEGIN CERTIFICATE-----"))}${certOnly}`;
    expect(() => files.bridgeSecrets(TOKEN, mixed)).toThrow(/does not belong to the certificate/);
    try {
      files.bridgeSecrets(TOKEN, mixed);
    } catch (error) {
      expect((error as { code?: string }).code).toBe("BRIDGE_SECRET_INVALID");
      expect(String(error)).not.toContain("PRIVATE KEY-----");
    }
  });

  it("changes the secrets digest with the token or the certificate", () => {
    const base = files.bridgeSecrets(TOKEN, tls);
    expect(files.bridgeSecrets(`${TOKEN}x`, tls).digest).not.toBe(base.digest);
    expect(files.bridgeSecrets(TOKEN, otherTls).digest).not.toBe(base.digest);
    expect(files.bridgeSecrets(TOKEN, otherTls).fingerprint).not.toBe(base.fingerprint);
  });

  it("has an install script that takes secrets on stdin only and runs the bridge without admin rights", () => {
    const script = readFileSync(path.join(files.MT5_BRIDGE_DIR, "install", "install-bridge.ps1"), "utf8");
    const params = script.slice(script.indexOf("param("), script.indexOf(")\n$ErrorActionPreference"));
    expect(params).not.toMatch(/token|password|key|cert/i);
    expect(script).toContain("[Console]::In.ReadToEnd()");
    expect(script).toContain("Remove-LocalGroupMember -SID 'S-1-5-32-544'");
    expect(script).toMatch(/Register-ScheduledTask[^\n]+\n[^\n]*-RunLevel Limited/);
    expect(script).toContain("/inheritance:r");
    expect(script).toContain(`-TaskName $TaskName`);
    expect(script).toContain(`$TaskName = '${files.BRIDGE_TASK_NAME}'`);
  });

  it("builds the install command only from a safe staging name and MT5 account", () => {
    expect(() => files.bridgeInstallCommand({ stagingName: "x'; Remove-Item C:\\", port: 5555 })).toThrow(/bad staging folder name/);
    expect(() => files.bridgeInstallCommand({ stagingName: "qm", port: 5555, account: { login: 1, server: "x'; whoami; '" } })).toThrow(/bad MT5 account/);
    expect(files.bridgeInstallCommand({ stagingName: "qm", port: 5555, account: { login: 42, server: "Broker-Demo 2" } })).toContain(
      "-Port 5555 -Mt5Login 42 -Mt5Server 'Broker-Demo 2'",
    );
    expect(JSON.parse(files.bridgeSecrets(TOKEN, tls, "pw").stdin)).toMatchObject({ mt5_password: "pw" });
    expect(JSON.parse(files.bridgeSecrets(TOKEN, tls).stdin)).not.toHaveProperty("mt5_password");
    expect(() => files.bridgeSecrets(TOKEN, tls, "")).toThrow(/mt5Password is empty/);
  });
});
