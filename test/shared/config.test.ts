import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { envField, parseEnv } from "../../services/shared/config.js";
import { ConfigError } from "../../services/shared/errors.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const Schema = z.object({
  PORT: envField.port(8000),
  TOKEN: z.string().min(16),
  URL: envField.url().optional(),
});

describe("parseEnv", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(() => temp.remove());

  it("applies defaults, treats empty as unset and coerces numbers", () => {
    expect(parseEnv(Schema, { TOKEN: "x".repeat(16), PORT: "" })).toEqual({ PORT: 8000, TOKEN: "x".repeat(16) });
    expect(parseEnv(Schema, { TOKEN: "x".repeat(16), PORT: "0" }).PORT).toBe(0);
  });

  it("names the variable and its value in one line when a value is invalid", () => {
    expect(() => parseEnv(Schema, { TOKEN: "x".repeat(16), PORT: "99999" })).toThrow(/^PORT="99999": .+$/);
    expect(() => parseEnv(Schema, { TOKEN: "x".repeat(16), URL: "not a url" })).toThrow(/^URL="not a url": expected an http\(s\) URL$/);
    expect(() => parseEnv(Schema, { TOKEN: "x".repeat(16), URL: "file:///etc/passwd" })).toThrow(/^URL=.*expected an http\(s\) URL$/);
  });

  it("names a missing variable", () => {
    expect(() => parseEnv(Schema, {})).toThrow(ConfigError);
    expect(() => parseEnv(Schema, {})).toThrow(/^TOKEN is not set: /);
  });

  it("reads a secret from X_FILE, dropping the trailing newline", async () => {
    const file = path.join(temp.dir, "token");
    await writeFile(file, "secret-from-file-123\n");
    const config = parseEnv(Schema, { TOKEN_FILE: file }, { secrets: ["TOKEN"] });
    expect(config.TOKEN).toBe("secret-from-file-123");
  });

  it("never echoes a secret's value in the error", () => {
    const attempt = () => parseEnv(Schema, { TOKEN: "short-secret" }, { secrets: ["TOKEN"] });
    expect(attempt).toThrow(/^TOKEN: /);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain("short-secret");
    }
  });

  it("refuses X and X_FILE together, and an unreadable X_FILE", () => {
    expect(() => parseEnv(Schema, { TOKEN: "a".repeat(16), TOKEN_FILE: "/x" }, { secrets: ["TOKEN"] })).toThrow(
      /TOKEN and TOKEN_FILE are both set/,
    );
    expect(() => parseEnv(Schema, { TOKEN_FILE: path.join(temp.dir, "missing") }, { secrets: ["TOKEN"] })).toThrow(
      /TOKEN_FILE=.*missing cannot be read \(ENOENT\)/,
    );
  });
});

describe("parseEnv aliases", () => {
  const Aliased = z.object({ REGION: z.string().min(2), SECRET: z.string().min(8).optional() });
  const aliases = { REGION: ["AWS_REGION", "AWS_DEFAULT_REGION"], SECRET: ["OLD_SECRET"] };

  it("takes the value from whichever name is set, canonical or alias", () => {
    expect(parseEnv(Aliased, { REGION: "eu-west-1" }, { aliases })).toEqual({ REGION: "eu-west-1" });
    expect(parseEnv(Aliased, { AWS_DEFAULT_REGION: "eu-west-2" }, { aliases })).toEqual({ REGION: "eu-west-2" });
    expect(parseEnv(Aliased, { REGION: "", AWS_REGION: "eu-west-3" }, { aliases })).toEqual({ REGION: "eu-west-3" });
    expect(parseEnv(Aliased, { REGION: "us-east-1", AWS_REGION: "us-east-1" }, { aliases })).toEqual({ REGION: "us-east-1" });
  });

  it("names both variables and their values when they disagree, and never a secret's value", () => {
    expect(() => parseEnv(Aliased, { REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" }, { aliases })).toThrow(
      new ConfigError('REGION and AWS_DEFAULT_REGION name the same setting but are set to different values ("eu-west-1" and "us-east-1"): set only one of them'),
    );
    const secret = () => parseEnv(Aliased, { REGION: "eu", SECRET: "first-secret-1", OLD_SECRET: "second-secret-2" }, { aliases, secrets: ["SECRET"] });
    expect(secret).toThrow(/^SECRET and OLD_SECRET name the same setting but are set to different values: set only one of them$/);
  });

  it("an unset canonical variable is still reported by its own name", () => {
    expect(() => parseEnv(Aliased, {}, { aliases })).toThrow(/^REGION is not set: /);
  });
});
