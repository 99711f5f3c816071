/**
 * `quantmind:services`, `quantmind:secretRotations` and broker variables in parseStackConfig:
 * a service that is off needs none of its secrets; bad lists and values are refused with the
 * known names and the command that fixes them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { brokerSecretNeeds, brokerVariableNames } from "../../infra/broker-secrets.js";
import { servicesOn } from "../../infra/stack-services.js";
import { parseStackConfig } from "../../stacks/parse.js";
import { externalOnlyStackConfig, parseError, stackFileConfig } from "../helpers/stack-files.js";

const localServices = servicesOn("local").map((service) => service.name);
const withoutQc = localServices.filter((name) => name !== "qc-mcp");

describe("quantmind:services", () => {
  it("defaults to every service the target runs", () => {
    expect(parseStackConfig("dev", externalOnlyStackConfig("dev").config).services).toEqual(localServices);
  });

  it("with qc-mcp off, a dev stack with no secret at all parses, and QuantConnect's are not asked for", () => {
    const config = { ...stackFileConfig("dev"), "quantmind:services": withoutQc.join(", ") };
    expect(parseStackConfig("dev", config).services).toEqual(withoutQc);
    // The same stack with qc-mcp on names exactly QuantConnect's two outside secrets.
    expect(parseError("dev", stackFileConfig("dev")).problems).toEqual(["quantmind:qcUserId (secret) is not set", "quantmind:qcApiToken (secret) is not set"]);
  });

  it("takes the JSON list `pulumi config set --path` writes", () => {
    const config = { ...stackFileConfig("dev"), "quantmind:services": JSON.stringify(["kb-indexer", "kb-mcp"]) };
    expect(parseStackConfig("dev", config).services).toEqual(["kb-indexer", "kb-mcp"]);
  });

  it("refuses an unknown name with the list of known ones and the command", () => {
    const error = parseError("dev", { ...stackFileConfig("dev"), "quantmind:services": "kb-indexer,kb-mcp,kb-mpc" });
    expect(error.problems).toEqual([`quantmind:services names "kb-mpc", which is not a service; the local target runs ${localServices.join(", ")}`]);
    expect(error.commands).toEqual([`pulumi config set --stack dev quantmind:services ${localServices.join(",")}`]);
  });

  it("refuses a service without the job it runs after, and a malformed list", () => {
    expect(parseError("dev", { ...stackFileConfig("dev"), "quantmind:services": "kb-mcp" }).problems).toEqual([
      "quantmind:services has kb-mcp without kb-indexer, which it runs after: add kb-indexer",
    ]);
    expect(parseError("dev", { ...stackFileConfig("dev"), "quantmind:services": '["kb-mcp", 3]' }).problems[0]).toMatch(
      /^quantmind:services="\[\\"kb-mcp\\", 3\]": expected service names separated by commas, or a JSON list of them$/,
    );
  });
});

describe("quantmind:secretRotations", () => {
  it("parses counters and refuses anything but JSON of whole numbers", () => {
    const ok = { ...externalOnlyStackConfig("dev").config, "quantmind:secretRotations": '{"redisPassword":2}' };
    expect(parseStackConfig("dev", ok).secretRotations).toEqual({ redisPassword: 2 });
    const unknown = parseError("dev", { ...ok, "quantmind:secretRotations": '{"redisPassword":2,"qcApiToken":1}' });
    expect(unknown.problems).toEqual(['quantmind:secretRotations names "qcApiToken", which is not a secret the stack generates']);
    expect(unknown.commands).toEqual([`pulumi config set --stack dev quantmind:secretRotations '{"redisPassword":2}'`]);
    for (const bad of ["redisPassword=2", '{"redisPassword":-1}', '{"redisPassword":"2"}']) {
      const error = parseError("dev", { ...ok, "quantmind:secretRotations": bad });
      expect(error.problems[0], bad).toContain(`quantmind:secretRotations=${JSON.stringify(bad)}: `);
    }
  });
});

describe("broker variables", () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "qm-brokers-")), "brokers.yaml");
  writeFileSync(
    file,
    [
      "brokers:",
      "  spot:",
      "    kind: binance_spot",
      "    enabled: ${SPOT_ENABLED:-false}",
      "    testnet: ${SPOT_TESTNET:-true}",
      "    api_key: ${SPOT_KEY}",
      "    api_secret: prefix-${SPOT_SECRET}",
      "  mock:",
      "    kind: mt5_mock",
      "    enabled: true",
      "    account_id: ${MOCK_ACCOUNT:-MOCK-001}",
      "",
    ].join("\n"),
  );

  it("learns every variable of the file, with or without default, from the brokers loader's substitution", () => {
    expect([...brokerVariableNames(file)].sort()).toEqual(["MOCK_ACCOUNT", "SPOT_ENABLED", "SPOT_KEY", "SPOT_SECRET", "SPOT_TESTNET"]);
  });

  it("a disabled broker needs nothing; an enabled one needs its variables without default, and delivers what is set", () => {
    expect(brokerSecretNeeds({}, new Set(), file)).toEqual({ deliver: [], missing: [] });
    expect(brokerSecretNeeds({ SPOT_ENABLED: "true", SPOT_KEY: "k".repeat(16) }, new Set(), file)).toEqual({
      deliver: ["SPOT_ENABLED", "SPOT_KEY"],
      missing: [{ variable: "SPOT_SECRET", broker: "spot" }],
    });
    // A variable the broker-reading service sets itself is neither missing nor delivered again.
    expect(brokerSecretNeeds({ SPOT_ENABLED: "true", SPOT_KEY: "k" }, new Set(["SPOT_SECRET", "SPOT_KEY"]), file)).toEqual({ deliver: ["SPOT_ENABLED"], missing: [] });
    expect(brokerSecretNeeds({ MOCK_ACCOUNT: "A-1" }, new Set(), file)).toEqual({ deliver: ["MOCK_ACCOUNT"], missing: [] });
  });

  it("a stack may set config/brokers.yaml's variables under their own names", () => {
    const config = { ...externalOnlyStackConfig("dev").config, "quantmind:BINANCE_SPOT_API_KEY": "key-0123456789" };
    // No service of the catalogue reads brokers on dev unless one declares it; the key is accepted either way.
    expect(() => parseStackConfig("dev", config)).not.toThrow();
    expect(parseError("dev", { ...config, "quantmind:BINANCE_SPOT_API_KY": "x" }).problems).toEqual(["quantmind:BINANCE_SPOT_API_KY is not a setting of the local target"]);
  });
});
