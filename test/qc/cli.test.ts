/** `quantmind serve qc` as an operator runs it: a one-line error for bad configuration (the end-to-end tests run it for real). */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI } from "../helpers/kb-cli.js";

function run(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("quantmind serve qc", () => {
  it("stops with exit code 2 and one line naming the missing variable, without echoing the token", () => {
    const result = run(["serve", "qc", "--transport", "http"], { QC_API_TOKEN: "qc-token-must-not-show", LOG_LEVEL: "warn" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^quantmind: QC_USER_ID: is required \(or set QC_SECRETS_ARN/)]);
    expect(result.stderr).not.toContain("qc-token-must-not-show");
  });
});
