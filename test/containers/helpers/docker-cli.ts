/**
 * The docker CLI as the container tests and the container benchmark drive it. Every call goes
 * through `docker()`: one place that selects the classic builder and turns a failure into an
 * error naming the command and what it printed. No argument ever carries a secret (secrets go
 * in as files, see secrets-volume.ts), so the messages are safe to print.
 */
import { spawn } from "node:child_process";

export interface DockerOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export interface DockerOptions {
  /** Bytes for the command's stdin (a tar archive for `docker cp -`). */
  input?: Buffer;
  /** Resolve with a non-zero exit code instead of throwing. */
  allowFailure?: boolean;
  /** Kill the command after this long; default 10 minutes (a cold image build). */
  timeoutMs?: number;
}

export class DockerCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly output: DockerOutput,
  ) {
    const printed = (output.stderr.trim() || output.stdout.trim()).split("\n").slice(-30).join("\n");
    super(`docker ${args.join(" ")} exited with ${output.code}:\n${printed}`);
    this.name = "DockerCommandError";
  }
}

/** What to do when no engine answers; docker-lab.sh is this project's way to get one here. */
export const START_ENGINE_HINT =
  "Start one with `../shared/tools/docker-lab.sh` (run it as root: it starts dockerd and builds the base images, " +
  "about a minute the first time), or point DOCKER_HOST at a running engine; then run `npm run test:containers` again.";

export function docker(args: readonly string[], options: DockerOptions = {}): Promise<DockerOutput> {
  return new Promise((resolve, reject) => {
    // The classic builder: there is no BuildKit on the machines this runs on, and the Dockerfile needs none.
    const child = spawn("docker", args, {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const output = { stdout, stderr, code: code ?? -1 };
      if (output.code === 0 || options.allowFailure) resolve(output);
      else reject(new DockerCommandError(args, output));
    });
    if (options.input) child.stdin!.end(options.input);
  });
}

export interface EngineInfo {
  serverVersion: string;
  apiVersion: string;
}

/** Fails with {@link START_ENGINE_HINT} when there is no docker CLI or no engine answers it. */
export async function requireEngine(): Promise<EngineInfo> {
  let output: DockerOutput;
  try {
    output = await docker(["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"], {
      allowFailure: true,
      timeoutMs: 30_000,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`There is no docker CLI on PATH. ${START_ENGINE_HINT}`, { cause: error });
    throw error;
  }
  const [serverVersion, apiVersion] = output.stdout.trim().split(" ");
  if (output.code !== 0 || !serverVersion || !apiVersion) {
    const why = output.stderr.trim().split("\n").pop() ?? `exit ${output.code}`;
    throw new Error(`No Docker engine answers (docker version: ${why}). ${START_ENGINE_HINT}`);
  }
  return { serverVersion, apiVersion };
}
