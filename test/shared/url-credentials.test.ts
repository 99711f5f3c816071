/**
 * Credentials in a URL variable (`https://user:password@host`) are refused at start-up with a
 * clear error that does not repeat them, and never appear in a log line or a tool failure.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadQcConfig } from "../../services/qc/config.js";
import { QcUnavailableError } from "../../services/qc/errors.js";
import { ConfigError } from "../../services/shared/errors.js";
import { createLogger } from "../../services/shared/logger.js";

const PASSWORD = "hunter2-url-password";
const URL_WITH_CREDENTIALS = `http://operator:${PASSWORD}@127.0.0.1:9/api/v2`;

describe("URLs with credentials", () => {
  it("QC_API_URL with user:password@ is refused, naming the variable, without echoing the password", () => {
    let error: unknown;
    try {
      loadQcConfig({ QC_USER_ID: "1", QC_API_TOKEN: "token-12345678", QC_API_URL: URL_WITH_CREDENTIALS });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^QC_API_URL=.*must not contain user:password@/);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain("operator");
  });

  it("a log line never carries a URL's user-info, whatever field it is in", () => {
    let text = "";
    const destination = new Writable({
      write(chunk, _e, done) {
        text += String(chunk);
        done();
      },
    });
    const logger = createLogger("t", { destination });
    logger.warn({ url: URL_WITH_CREDENTIALS, nested: { detail: `fetch ${URL_WITH_CREDENTIALS} failed` } }, `retrying ${URL_WITH_CREDENTIALS}`);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain("http://[redacted]@127.0.0.1:9/api/v2");
  });

  it("a QC_UNAVAILABLE failure (what the client sees) does not carry it either", () => {
    const error = new QcUnavailableError("/projects/read", `Request cannot be constructed from a URL that includes credentials: ${URL_WITH_CREDENTIALS}/projects/read`);
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).toContain("[redacted]@127.0.0.1");
  });
});
