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
