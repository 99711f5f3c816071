/**
 * `quantmind brokers list` and `brokers check NAME` against a config with the mock, the real
 * Python bridge (TLS, fake MT5), an unreachable bridge and a disabled Binance entry whose secrets
 * are not set. Output and errors never carry the bridge token.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBroker } from "../../services/brokers/cli/check-command.js";
import { listBrokers } from "../../services/brokers/cli/list-command.js";
import { expectCode } from "./broker-suite.js";
import { startBridge, type RunningBridge } from "./helpers/mt5-bridge.js";

let bridge: RunningBridge;
let env: Record<string, string>;

const CONFIG = `brokers:
  mock:
    kind: mt5_mock
    enabled: true
  bridge:
    kind: mt5_socket
    enabled: true
    vps_host: 127.0.0.1
    vps_port: \${BRIDGE_PORT}
    token: \${BRIDGE_TOKEN}
    cert_fingerprint: \${BRIDGE_FP}
    max_retries: 0
  bridge_down:
    kind: mt5_socket
    enabled: true
    vps_host: 127.0.0.1
    vps_port: 1
    token: \${BRIDGE_TOKEN}
    cert_fingerprint: \${BRIDGE_FP}
    max_retries: 0
  bridge_wrong_token:
    kind: mt5_socket
    vps_host: 127.0.0.1
    vps_port: \${BRIDGE_PORT}
    token: \${WRONG_TOKEN:-an-entirely-wrong-token-for-the-bridge}
    cert_fingerprint: \${BRIDGE_FP}
    max_retries: 0
  spot:
    kind: binance_spot
    api_key: \${SPOT_KEY}
    api_secret: \${SPOT_SECRET}
`;

beforeAll(async () => {
  bridge = await startBridge();
  const file = path.join(bridge.dir, "brokers.yaml");
  await writeFile(file, CONFIG);
  env = { BROKERS_CONFIG: file, BRIDGE_PORT: String(bridge.port), BRIDGE_TOKEN: bridge.token, BRIDGE_FP: bridge.cert.fingerprint };
});
afterAll(async () => {
  await bridge?.remove();
});

const capture = () => {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return { out, text: () => text };
};

describe("quantmind brokers", () => {
  it("lists every broker with kind, enabled, trading, testnet and reachability", async () => {
    const { out, text } = capture();
    const listings = await listBrokers(env, out);
    expect(listings.map((l) => [l.name, l.kind, l.enabled, l.trading, l.testnet, l.reachable])).toEqual([
      ["mock", "mt5_mock", true, false, null, true],
      ["bridge", "mt5_socket", true, false, null, true],
      ["bridge_down", "mt5_socket", true, false, null, false],
      ["bridge_wrong_token", "mt5_socket", false, false, null, null],
      ["spot", "binance_spot", false, false, true, null],
    ]);
    expect(listings[2]!.detail).toMatch(/BROKER_UNAVAILABLE: cannot connect to the MT5 bridge at 127\.0\.0\.1:1/);
    expect(listings[4]!.detail).toMatch(/brokers\.yaml:\d+: broker spot, field api_key: variable SPOT_KEY is not set/);
    expect(text()).toMatch(/^NAME\s+KIND\s+ENABLED\s+TRADING\s+TESTNET\s+REACHABLE\s+DETAIL\n/);
    expect(text()).toMatch(/\nbridge\s+mt5_socket\s+yes\s+no\s+-\s+yes\s+bridge 1\.0\.0, terminal connected/);
    expect(text()).not.toContain(bridge.token);
  });

  it("checks a broker: its account and one tick", async () => {
    const { out, text } = capture();
    const { account, tick } = await checkBroker("bridge", env, out);
    expect(account.accountId).toBe("5001234");
    expect(tick).toMatchObject({ symbol: "EURUSD", bid: 1.085 });
    expect(text()).toMatch(/^bridge \(mt5_socket, trading off\)\naccount 5001234: balance 10000 USD, equity 10000, margin 0, free 10000, leverage 100\ntick EURUSD: bid 1.085 ask 1.0851 at /);
    expect(text()).not.toContain(bridge.token);
    const other = capture();
    await checkBroker("mock", env, other.out, { symbol: "XAUUSD" });
    expect(other.text()).toMatch(/tick XAUUSD: bid \d+/);
  });

  it("fails clearly: unknown name, disabled entry with unset secrets, wrong token, unknown symbol", async () => {
    await expect(checkBroker("nosuch", env, capture().out)).rejects.toThrow(/no broker "nosuch" in .*brokers\.yaml: it has mock, bridge, bridge_down, bridge_wrong_token, spot/);
    await expect(checkBroker("spot", env, capture().out)).rejects.toThrow(/broker spot, field api_key: variable SPOT_KEY is not set/);
    const wrong = await expectCode(checkBroker("bridge_wrong_token", env, capture().out), "AUTH_FAILED");
    expect(wrong.message).not.toContain("an-entirely-wrong-token");
    await expectCode(checkBroker("bridge", env, capture().out, { symbol: "NOSUCH" }), "SYMBOL_NOT_FOUND");
    expect(bridge.log()).not.toContain(bridge.token);
    expect(bridge.log()).not.toContain("an-entirely-wrong-token");
  });

  it("runs as `quantmind brokers check` with one line and exit code 2 for a bad name", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "services/cli.ts", "brokers", "check", "nosuch"], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr.trim()).toMatch(/^quantmind: no broker "nosuch" in .*brokers\.yaml: it has mock, bridge/);
    expect(run.status).toBe(2);
  });
});
