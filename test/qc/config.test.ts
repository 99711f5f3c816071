import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_QC_API_URL, loadQcConfig, QC_ENV_VARS, QC_SECRETS } from "../../services/qc/config.js";
import { QC_TOOLSETS } from "../../services/qc/toolsets.js";
import { ConfigError } from "../../services/shared/errors.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const CREDS = { QC_USER_ID: "424242", QC_API_TOKEN: "qc-token-0123456789" };

function configError(env: Record<string, string>): string {
  try {
    loadQcConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("QuantConnect MCP configuration", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir("qm-qc-config-");
  });
  afterAll(() => temp.remove());

  it("has safe defaults: QuantConnect's API, live trading off, every toolset, 25 s under API Gateway's 29", () => {
    const config = loadQcConfig(CREDS);
    expect(config).toMatchObject({
      QC_API_URL: DEFAULT_QC_API_URL,
      QC_ENABLE_LIVE_TRADING: false,
      QC_TOOLSETS: [...QC_TOOLSETS],
      QC_TIMEOUT_MS: 10_000,
      QC_DEADLINE_MS: 25_000,
      QC_MAX_ATTEMPTS: 3,
      MCP_PORT: 8001,
      MCP_RATE_LIMIT_PER_MINUTE: 120,
    });
  });

  it("parses toolsets in canonical order and live trading as a strict boolean", () => {
    const config = loadQcConfig({ ...CREDS, QC_TOOLSETS: " Backtests, files ,files", QC_ENABLE_LIVE_TRADING: "true", QC_API_URL: "http://127.0.0.1:9000/api/v2/" });
    expect(config.QC_TOOLSETS).toEqual(["files", "backtests"]);
    expect(config.QC_ENABLE_LIVE_TRADING).toBe(true);
    expect(config.QC_API_URL).toBe("http://127.0.0.1:9000/api/v2");
    expect(configError({ ...CREDS, QC_ENABLE_LIVE_TRADING: "yes" })).toBe('QC_ENABLE_LIVE_TRADING="yes": expected true or false');
  });

  it("names an unknown toolset and lists the valid ones", () => {
    expect(configError({ ...CREDS, QC_TOOLSETS: "files,backtest" })).toMatch(
      /^QC_TOOLSETS="files,backtest": unknown toolset\(s\) "backtest": use all, or some of account, projects, .*server$/,
    );
  });

  it("requires the credentials unless a Secrets Manager secret supplies them", () => {
    expect(configError({ QC_API_TOKEN: CREDS.QC_API_TOKEN })).toMatch(/^QC_USER_ID: is required \(or set QC_SECRETS_ARN/);
    expect(configError({ QC_USER_ID: "1" })).toMatch(/^QC_API_TOKEN: is required/);
    expect(loadQcConfig({ QC_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:1:secret:qc" }).QC_SECRETS_ARN).toMatch(/^arn:/);
  });

  it("never echoes a secret's value in an error", () => {
    const message = configError({ QC_USER_ID: "1", QC_API_TOKEN: "short" });
    expect(message).toBe("QC_API_TOKEN: must be at least 8 characters");
    expect(configError({ ...CREDS, MCP_API_KEY: "tiny-key" })).not.toContain("tiny-key");
  });

  it("reads QC_USER_ID, QC_API_TOKEN and MCP_API_KEY from _FILE variables, as the targets deliver them", async () => {
    const userFile = path.join(temp.dir, "user");
    const tokenFile = path.join(temp.dir, "token");
    const keyFile = path.join(temp.dir, "key");
    await writeFile(userFile, "424242\n");
    await writeFile(tokenFile, "qc-token-from-file-123\n");
    await writeFile(keyFile, "mcp-key-from-file-0123456789\n");
    const config = loadQcConfig({ QC_USER_ID_FILE: userFile, QC_API_TOKEN_FILE: tokenFile, MCP_API_KEY_FILE: keyFile });
    expect(config.QC_USER_ID).toBe("424242");
    expect(config.QC_API_TOKEN).toBe("qc-token-from-file-123");
    expect(config.MCP_API_KEY).toBe("mcp-key-from-file-0123456789");
  });

  it("accepts QuantConnect's own names, QUANTCONNECT_USER_ID and QUANTCONNECT_API_TOKEN, also as _FILE", async () => {
    const aliased = loadQcConfig({ QUANTCONNECT_USER_ID: "424242", QUANTCONNECT_API_TOKEN: "qc-token-0123456789" });
    expect(aliased).toMatchObject({ QC_USER_ID: "424242", QC_API_TOKEN: "qc-token-0123456789" });
    const tokenFile = path.join(temp.dir, "quantconnect-token");
    await writeFile(tokenFile, "qc-token-from-alias-file\n");
    const fromFile = loadQcConfig({ QC_USER_ID: "424242", QUANTCONNECT_API_TOKEN_FILE: tokenFile });
    expect(fromFile.QC_API_TOKEN).toBe("qc-token-from-alias-file");
    // Both names with the same value (a client config that sets both) is fine.
    expect(loadQcConfig({ ...CREDS, QUANTCONNECT_USER_ID: CREDS.QC_USER_ID }).QC_USER_ID).toBe("424242");
    // An alias value is validated like the variable it stands for.
    expect(configError({ QUANTCONNECT_USER_ID: "42 42", QC_API_TOKEN: CREDS.QC_API_TOKEN })).toMatch(/^QC_USER_ID: expected the numeric QuantConnect user id/);
  });

  it("refuses both names set to different values, naming both and echoing neither secret", async () => {
    const message = configError({ ...CREDS, QUANTCONNECT_API_TOKEN: "another-token-987654321" });
    expect(message).toBe("QC_API_TOKEN and QUANTCONNECT_API_TOKEN name the same setting but are set to different values: set only one of them");
    const userFile = path.join(temp.dir, "quantconnect-user");
    await writeFile(userFile, "777\n");
    const viaFile = configError({ ...CREDS, QUANTCONNECT_USER_ID_FILE: userFile });
    expect(viaFile).toBe("QC_USER_ID and QUANTCONNECT_USER_ID_FILE name the same setting but are set to different values: set only one of them");
    expect(viaFile).not.toContain("777");
    expect(viaFile).not.toContain("424242");
  });

  it("keeps a tool call's time budget under API Gateway's 29 s", () => {
    expect(configError({ ...CREDS, QC_DEADLINE_MS: "29000" })).toMatch(/^QC_DEADLINE_MS="29000": Too big/);
  });

  it("hands the deploy targets every variable it reads and which are secret", () => {
    expect(QC_ENV_VARS).toEqual(expect.arrayContaining(["QC_USER_ID", "QC_API_TOKEN", "QC_API_URL", "QC_ENABLE_LIVE_TRADING", "QC_TOOLSETS", "QC_SECRETS_ARN", "MCP_API_KEY", "LOG_LEVEL"]));
    expect([...QC_SECRETS].sort()).toEqual(["MCP_API_KEY", "QC_API_TOKEN", "QC_USER_ID"]);
    for (const secret of QC_SECRETS) expect(QC_ENV_VARS).toContain(secret);
  });
});
