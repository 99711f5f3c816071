/** config/brokers.yaml: substitution, validation, and the exact words of every error. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBrokersConfig, parseBrokersConfig } from "../../services/brokers/config/load.js";
import { substitute } from "../../services/brokers/config/substitute.js";
import { scrubSecrets } from "../../services/shared/logger.js";

const FILE = "config/brokers.yaml";
const parse = (text: string, env: Record<string, string> = {}) => parseBrokersConfig(text, FILE, env);
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
};

const socket = (extra = "") => `brokers:
  bridge:
    kind: mt5_socket
    enabled: true
    vps_host: 10.0.0.5
    token: \${BRIDGE_TOKEN}
    cert_fingerprint: ${"ab".repeat(32)}
${extra}`;

describe("substitute", () => {
  const env = { HOST: "mt5.example", EMPTY: "", PORT: "5555" };
  it("replaces variables anywhere in a value, with defaults and $$", () => {
    expect(substitute("tcp://${HOST}:${PORT}/x", env)).toBe("tcp://mt5.example:5555/x");
    expect(substitute("${MISSING:-fallback} and ${EMPTY:-used}", env)).toBe("fallback and used");
    expect(substitute("${MISSING:-}", env)).toBe("");
    expect(substitute("cost $$5, $HOME stays, $${HOST}", env)).toBe("cost $5, $HOME stays, ${HOST}");
  });

  it("names an unset variable, and refuses bad syntax", () => {
    expect(() => substitute("a${MISSING}b", env)).toThrow(/variable MISSING is not set \(nor MISSING_FILE\) and has no default/);
    expect(() => substitute("${EMPTY}", env)).toThrow(/variable EMPTY is not set/);
    expect(() => substitute("${HOST", env)).toThrow(/unterminated \$\{\.\.\.\}/);
    expect(() => substitute("${1BAD}", env)).toThrow(/\$\{1BAD\} is not a variable name/);
  });

  it("reads VAR_FILE, and refuses VAR and VAR_FILE together or an unreadable file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "qm-brokers-"));
    const file = path.join(dir, "token");
    await writeFile(file, "from-the-file\n");
    expect(substitute("${TOKEN}", { TOKEN_FILE: file })).toBe("from-the-file");
    expect(() => substitute("${TOKEN}", { TOKEN_FILE: file, TOKEN: "x" })).toThrow(/TOKEN and TOKEN_FILE are both set/);
    expect(() => substitute("${TOKEN}", { TOKEN_FILE: path.join(dir, "nope") })).toThrow(/TOKEN_FILE cannot be read \(ENOENT\)/);
  });
});

describe("loadBrokersConfig", () => {
  it("loads the shipped config/brokers.yaml with no variables set: only mt5_mock enabled, the others kept with their problem", () => {
    const config = loadBrokersConfig(path.resolve("config/brokers.yaml"), {});
    const byName = Object.fromEntries(config.brokers.map((b) => [b.name, b]));
    expect(Object.keys(byName)).toEqual(["mt5_mock", "mt5_socket", "binance_spot", "binance_futures"]);
    expect(byName.mt5_mock).toMatchObject({ kind: "mt5_mock", enabled: true, trading: true, entry: { initial_balance: 100_000, login: 1_000_001 } });
    for (const name of ["mt5_socket", "binance_spot", "binance_futures"]) {
      expect(byName[name]).toMatchObject({ enabled: false, trading: false });
      expect(byName[name]!.error?.message).toMatch(new RegExp(`config/brokers.yaml:\\d+: broker ${name}, field (token|api_key): variable \\w+ is not set`));
    }
    expect(byName.binance_futures!.testnet).toBe(true);
  });

  it("enables the shipped Binance entry from the environment, secrets from _FILE", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "qm-brokers-"));
    await writeFile(path.join(dir, "secret"), "s3cr3t-value-from-file\n");
    const config = loadBrokersConfig(path.resolve("config/brokers.yaml"), {
      BINANCE_SPOT_ENABLED: "true",
      BINANCE_SPOT_TRADING: "true",
      BINANCE_SPOT_API_KEY: "key-0123456789",
      BINANCE_SPOT_API_SECRET_FILE: path.join(dir, "secret"),
    });
    const spot = config.brokers.find((b) => b.name === "binance_spot")!;
    expect(spot.entry).toMatchObject({ kind: "binance_spot", enabled: true, trading: true, testnet: true, api_secret: "s3cr3t-value-from-file", recv_window: 5000 });
    expect(scrubSecrets("key-0123456789 s3cr3t-value-from-file")).toBe("[redacted] [redacted]");
  });

  it("stops on an enabled entry whose variable is unset, naming file, line, broker, field and variable", () => {
    expect(message(() => parse(socket()))).toBe(
      "config/brokers.yaml:6: broker bridge, field token: variable BRIDGE_TOKEN is not set (nor BRIDGE_TOKEN_FILE) and has no default: set it, or write ${BRIDGE_TOKEN:-default}",
    );
  });

  it("coerces substituted booleans and numbers, and normalises the fingerprint", () => {
    const text = socket("    vps_port: ${PORT:-6000}\n    trading: ${TRADE:-false}\n").replace("ab".repeat(32), "AB:".repeat(31) + "AB");
    const [entry] = parse(text, { BRIDGE_TOKEN: "t".repeat(32), TRADE: "true" }).brokers;
    expect(entry!.entry).toMatchObject({ vps_port: 6000, trading: true, timeout: 5, max_retries: 3, cert_fingerprint: "ab".repeat(32) });
  });

  it("refuses an unknown key with its own line and the fields allowed", () => {
    const text = socket("    tradng: true\n");
    expect(message(() => parse(text, { BRIDGE_TOKEN: "t".repeat(32) }))).toMatch(
      /^config\/brokers\.yaml:8: broker bridge, field tradng: unknown field \(fields of mt5_socket: kind, enabled, trading, .*max_retries\)$/,
    );
  });

  it("names the field and line of a bad value, without showing secret values", () => {
    expect(message(() => parse(socket("    vps_port: 70000\n"), { BRIDGE_TOKEN: "t".repeat(32) }))).toMatch(/^config\/brokers\.yaml:8: broker bridge, field vps_port: .*65535/);
    expect(message(() => parse(socket(), { BRIDGE_TOKEN: "short-tok" }))).toBe(
      "config/brokers.yaml:6: broker bridge, field token: the bridge token is too short (at least 32 characters)",
    );
    expect(message(() => parse(socket().replace("ab".repeat(32), "zz"), { BRIDGE_TOKEN: "t".repeat(32) }))).toBe(
      "config/brokers.yaml:7: broker bridge, field cert_fingerprint: expected 64 hex digits (the SHA-256 of the bridge's certificate)",
    );
    expect(message(() => parse("brokers:\n  x:\n    kind: mt5_mock\n    enabled: maybe\n"))).toBe("config/brokers.yaml:4: broker x, field enabled: expected true or false");
    expect(message(() => parse("brokers:\n  x:\n    enabled: true\n    kind: mt4\n"))).toBe(
      "config/brokers.yaml:4: broker x, field kind: kind must be one of mt5_mock, mt5_socket, binance_spot, binance_futures",
    );
    expect(message(() => parse("brokers:\n  x:\n    enabled: true\n"))).toMatch(/^config\/brokers\.yaml:3: broker x, field kind: kind must be one of/);
  });

  it("keeps a broken disabled entry without stopping the load", () => {
    const config = parse("brokers:\n  a:\n    kind: mt5_mock\n    enabled: true\n  b:\n    kind: mt5_mock\n    colour: red\n");
    expect(config.brokers.map((b) => [b.name, b.enabled, b.error?.message])).toEqual([
      ["a", true, undefined],
      ["b", false, expect.stringMatching(/^config\/brokers\.yaml:7: broker b, field colour: unknown field/)],
    ]);
  });

  it("refuses broken files: YAML syntax, duplicate keys, other top-level keys, bad names, a missing file", () => {
    expect(message(() => parse("brokers:\n  a: [\n"))).toMatch(/^config\/brokers\.yaml:\d+: not valid YAML/);
    expect(message(() => parse("brokers:\n  a:\n    kind: mt5_mock\n  a:\n    kind: mt5_mock\n"))).toMatch(/^config\/brokers\.yaml:4: not valid YAML \(DUPLICATE_KEY\)/);
    expect(message(() => parse("brokers: {}\nbrokerz: {}\n"))).toBe('config/brokers.yaml:2: unknown top-level key "brokerz": only brokers is allowed');
    expect(message(() => parse("- a\n"))).toBe("config/brokers.yaml:1: expected a mapping with one key, brokers");
    expect(message(() => parse("brokers:\n  Bad Name:\n    kind: mt5_mock\n"))).toMatch(/^config\/brokers\.yaml:2: broker name "Bad Name" must be/);
    expect(message(() => parse("brokers:\n  a:\n    enabled: ${ON}\n"))).toBe("config/brokers.yaml:3: broker a, field enabled: variable ON is not set (nor ON_FILE) and has no default: set it, or write ${ON:-default}");
    expect(message(() => loadBrokersConfig("/nonexistent/brokers.yaml", {}))).toBe("/nonexistent/brokers.yaml cannot be read (ENOENT): set BROKERS_CONFIG or create the file");
  });
});
