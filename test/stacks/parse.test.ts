import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../stacks/parse.js";
import { operatorStackConfig, parseError, stackFileConfig } from "../helpers/stack-files.js";

describe("parseStackConfig on the committed stack files", () => {
  it.each([
    ["dev", "local", "dev"],
    ["testnet", "vps", "testnet"],
    ["prod", "aws", "prod"],
  ])("%s parses as target %s, environment %s, with per-target defaults", (stack, target, environment) => {
    const config = parseStackConfig(stack, operatorStackConfig(stack).config);
    expect(config.target).toBe(target);
    expect(config.environment).toBe(environment);
    expect(config.kbCollection).toBe("mql5_articles");
  });

  it("gives dev and testnet the broker testnets and prod mainnet", () => {
    expect(parseStackConfig("dev", operatorStackConfig("dev").config).binanceSpotUrl).toBe("https://testnet.binance.vision");
    expect(parseStackConfig("testnet", operatorStackConfig("testnet").config).binanceFuturesUrl).toBe("https://testnet.binancefuture.com");
    expect(parseStackConfig("prod", operatorStackConfig("prod").config).binanceSpotUrl).toBe("https://api.binance.com");
  });

  it("coerces numbers and lists from Pulumi's strings", () => {
    const prod = parseStackConfig("prod", operatorStackConfig("prod").config);
    if (prod.target !== "aws") throw new Error("prod is aws");
    expect(prod.logRetentionDays).toBe(90);
    expect(prod.albAllowedCidrs).toEqual(["0.0.0.0/0"]);
    const testnet = parseStackConfig("testnet", operatorStackConfig("testnet").config);
    if (testnet.target !== "vps") throw new Error("testnet is vps");
    expect(testnet.vpsOperatorCidrs).toEqual(["198.51.100.10/32"]);
  });
});

describe("parseStackConfig problems list the commands that fix them", () => {
  it("lists every missing outside secret and required key of prod as written, with exact commands, and none the stack generates", () => {
    const error = parseError("prod", stackFileConfig("prod"));
    expect(error.code).toBe("STACK_CONFIG_INVALID");
    expect(error.commands).toEqual([
      "pulumi config set --stack prod quantmind:certificateArn arn:aws:acm:<region>:<account>:certificate/<id>",
      "printf %s '<your QuantConnect user id>' | pulumi config set --secret --stack prod quantmind:qcUserId",
      '(read -rs token && printf %s "$token") | pulumi config set --secret --stack prod quantmind:qcApiToken',
    ]);
    expect(error.message).toContain("quantmind:certificateArn is required for the aws target");
    expect(error.message).toContain("quantmind:qcApiToken (secret) is not set");
    expect(error.message).not.toContain("kbMcpApiKey");
  });

  it("names a single missing secret and nothing else", () => {
    const { config } = operatorStackConfig("dev");
    delete config["quantmind:qcApiToken"];
    const error = parseError("dev", config);
    expect(error.problems).toEqual(["quantmind:qcApiToken (secret) is not set"]);
    expect(error.commands).toEqual(['(read -rs token && printf %s "$token") | pulumi config set --secret --stack dev quantmind:qcApiToken']);
  });

  it("needs nothing the stack generates: without redisPassword and every MCP key dev still parses", () => {
    const { config } = operatorStackConfig("dev");
    for (const key of Object.keys(config)) if (key === "quantmind:redisPassword" || key === "quantmind:qdrantApiKey" || key.endsWith("McpApiKey")) delete config[key];
    expect(parseStackConfig("dev", config).secretRotations).toEqual({});
  });

  it("rejects keys of another target and unknown keys with the rm command", () => {
    const { config } = operatorStackConfig("dev");
    config["quantmind:certificateArn"] = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
    config["quantmind:logLevl"] = "debug";
    const error = parseError("dev", config);
    expect(error.problems).toEqual(
      expect.arrayContaining(["quantmind:certificateArn is not a setting of the local target", "quantmind:logLevl is not a setting of the local target"]),
    );
    expect(error.commands).toEqual(expect.arrayContaining(["pulumi config rm --stack dev quantmind:logLevl"]));
  });

  it("names an invalid value and what was expected", () => {
    const { config } = operatorStackConfig("dev");
    config["quantmind:localSubnet"] = "172.28.10.0/33";
    config["quantmind:kbMcpHostPort"] = "http";
    const error = parseError("dev", config);
    expect(error.message).toContain('quantmind:localSubnet="172.28.10.0/33": expected an IPv4 CIDR');
    expect(error.message).toContain('quantmind:kbMcpHostPort="http"');
  });

  it("asks for the target when it is missing or wrong", () => {
    expect(parseError("dev", {}).commands).toEqual(["pulumi config set --stack dev quantmind:target local|vps|aws"]);
    expect(parseError("dev", { "quantmind:target": "gcp" }).problems[0]).toContain('"gcp" is not one of local, vps, aws');
  });

  it("refuses a prod stack pointed at a broker testnet, and a dev stack at mainnet", () => {
    const prod = operatorStackConfig("prod").config;
    prod["quantmind:binanceSpotUrl"] = "https://testnet.binance.vision";
    expect(parseError("prod", prod).problems).toEqual([
      "quantmind:binanceSpotUrl=https://testnet.binance.vision is a testnet endpoint, but a prod stack trades on mainnet",
    ]);
    const dev = operatorStackConfig("dev").config;
    dev["quantmind:binanceFuturesUrl"] = "https://fapi.binance.com";
    expect(parseError("dev", dev).problems[0]).toContain("is a mainnet endpoint, but a dev stack trades on testnet");
  });

  it("needs host addresses for existing VPS hosts and the region for created ones", () => {
    const { config } = operatorStackConfig("testnet");
    config["quantmind:vpsProvision"] = "existing";
    expect(parseError("testnet", config).problems).toEqual([
      "quantmind:vpsLinuxAddress is required when quantmind:vpsProvision=existing",
      "quantmind:vpsWindowsAddress is required when quantmind:vpsProvision=existing",
    ]);
    const created = operatorStackConfig("testnet").config;
    delete created["aws:region"];
    expect(parseError("testnet", created).commands).toContain("pulumi config set --stack testnet aws:region <region, e.g. eu-west-1>");
  });

  it("refuses a secret the target does not use", () => {
    const { config } = operatorStackConfig("dev");
    config["quantmind:vpsSshPrivateKey"] = "key";
    expect(parseError("dev", config).commands).toEqual(["pulumi config rm --stack dev quantmind:vpsSshPrivateKey"]);
  });

  it("never prints a secret's value", () => {
    const { config } = operatorStackConfig("dev");
    config["quantmind:bogus"] = "x";
    const error = parseError("dev", config);
    for (const [key, value] of Object.entries(config)) {
      if (key.endsWith("ApiKey") || key.endsWith("Password")) expect(error.message).not.toContain(value);
    }
  });
});
