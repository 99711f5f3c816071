/**
 * The few `pulumi` commands the operator scripts run. The binary is `pulumi` on PATH, or
 * PULUMI_BIN. Secret values travel on the child's stdin only: never in its argv or environment,
 * where `ps` and /proc would show them.
 */
import { spawn, type StdioOptions } from "node:child_process";
import { PulumiCommandError } from "../../stacks/errors.js";

export interface PulumiCliOptions {
  /** Environment of the child processes (PATH, PULUMI_BIN, PULUMI_CONFIG_PASSPHRASE...); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Working directory (the Pulumi project); default process.cwd(). */
  cwd?: string;
}

interface Run {
  args: string[];
  input?: string;
  stdio: "capture" | "inherit";
  /** Removed from any output quoted in an error. */
  secret?: string;
}

export class PulumiCli {
  readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly cwd: string;

  constructor(options: PulumiCliOptions = {}) {
    this.env = options.env ?? process.env;
    this.cwd = options.cwd ?? process.cwd();
    this.binary = this.env["PULUMI_BIN"] || "pulumi";
  }

  /** The selected stack (`pulumi stack --show-name`). */
  async currentStack(): Promise<string> {
    const { stdout } = await this.run({ args: ["stack", "--show-name"], stdio: "capture" });
    const name = stdout.trim();
    if (name === "") throw new PulumiCommandError("pulumi stack --show-name printed nothing: select a stack (pulumi stack select <name>) or pass --stack");
    return name;
  }

  /** `pulumi config set --secret --stack <stack> <key>`, the value on stdin. */
  async setSecret(stack: string, key: string, value: string): Promise<void> {
    // pulumi strips one trailing newline from stdin, so this one keeps the value exact.
    await this.run({ args: ["config", "set", "--secret", "--stack", stack, key], input: `${value}\n`, stdio: "capture", secret: value });
  }

  /** `pulumi config set --stack <stack> <key>` with a plain (not secret) value, also on stdin. */
  async setValue(stack: string, key: string, value: string): Promise<void> {
    await this.run({ args: ["config", "set", "--stack", stack, key], input: `${value}\n`, stdio: "capture" });
  }

  /** `pulumi up --stack <stack>` on the operator's terminal; `yes` skips pulumi's own prompt. */
  async up(stack: string, options: { yes: boolean }): Promise<void> {
    await this.run({ args: ["up", "--stack", stack, ...(options.yes ? ["--yes"] : [])], stdio: "inherit" });
  }

  private run({ args, input, stdio, secret }: Run): Promise<{ stdout: string }> {
    const command = `${this.binary} ${args.join(" ")}`;
    const stdioOption: StdioOptions = stdio === "inherit" ? "inherit" : [input === undefined ? "ignore" : "pipe", "pipe", "pipe"];
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { env: this.env, cwd: this.cwd, stdio: stdioOption });
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT"
            ? new PulumiCommandError(`${this.binary} not found: install the Pulumi CLI (https://www.pulumi.com/docs/install/) or set PULUMI_BIN to its path`)
            : new PulumiCommandError(`cannot run ${command}: ${error.message}`, { cause: error }),
        );
      });
      child.on("close", (code, signal) => {
        if (code === 0) return resolve({ stdout });
        const output = secret ? stderr.split(secret).join("[secret]") : stderr;
        const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new PulumiCommandError(`${command} failed (${status})${output.trim() ? `: ${output.trim()}` : ""}`));
      });
      if (input !== undefined && child.stdin) {
        // EPIPE when the child exits without reading: its exit code tells the story.
        child.stdin.on("error", () => undefined);
        child.stdin.end(input);
      }
    });
  }
}
