/**
 * Starts the real Python MT5 bridge (services/mt5-bridge/bridge.py --fake-mt5) on a free loopback
 * port with a throwaway self-signed certificate (openssl CLI) and a random token.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { Mt5SocketEntrySchema, type Mt5SocketEntry } from "../../../services/brokers/config/schema.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

export interface BridgeCert {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  fingerprint: string;
}

/** A self-signed P-256 certificate for the bridge, as the protocol document shows. */
export function makeCert(dir: string, name = "bridge"): BridgeCert {
  const cert = path.join(dir, `${name}-cert.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=mt5-bridge", "-keyout", key, "-out", cert], { stdio: "ignore" });
  const fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256.replaceAll(":", "").toLowerCase();
  return { cert, key, fingerprint };
}

export interface RunningBridge {
  port: number;
  token: string;
  cert: BridgeCert;
  /** Everything the bridge wrote to stderr so far (its JSON log). */
  log(): string;
  /** A broker entry pointing at this bridge; override fields to break it. */
  entry(overrides?: Partial<Record<keyof Mt5SocketEntry, unknown>>): Mt5SocketEntry;
  stop(): Promise<void>;
  /** Starts it again on the same port, certificate and token (a fresh fake terminal). */
  restart(): Promise<void>;
  dir: string;
  remove(): Promise<void>;
}

/** `config` is written as the bridge's --config file (e.g. a raised rate limit for a bench). */
export async function startBridge(options: { env?: Record<string, string>; port?: number; config?: Record<string, unknown> } = {}): Promise<RunningBridge> {
  const temp = await makeTempDir("qm-mt5-bridge-");
  const cert = makeCert(temp.dir);
  const token = randomBytes(24).toString("hex");
  const tokenFile = path.join(temp.dir, "token");
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const configArgs: string[] = [];
  if (options.config) {
    writeFileSync(path.join(temp.dir, "bridge.json"), JSON.stringify(options.config));
    configArgs.push("--config", path.join(temp.dir, "bridge.json"));
  }
  let stderr = "";
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;

  const launch = async () => {
    const proc = spawn("python3", ["services/mt5-bridge/bridge.py", "--host", "127.0.0.1", "--port", String(port), "--cert", cert.cert, "--key", cert.key, "--token-file", tokenFile, "--fake-mt5", ...configArgs], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", ...options.env },
    });
    child = proc;
    proc.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const line = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: proc.stdout! });
      lines.once("line", resolve);
      proc.once("exit", (code) => reject(new Error(`bridge exited (${code}) before listening: ${stderr.slice(-2000)}`)));
    });
    const match = /^listening 127\.0\.0\.1:(\d+)$/.exec(line);
    if (!match) throw new Error(`unexpected first line from the bridge: ${line}`);
    port = Number(match[1]);
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
  };

  await launch();
  return {
    get port() {
      return port;
    },
    token,
    cert,
    dir: temp.dir,
    log: () => stderr,
    entry: (overrides = {}) =>
      Mt5SocketEntrySchema.parse({
        kind: "mt5_socket",
        enabled: true,
        trading: true,
        vps_host: "127.0.0.1",
        vps_port: port,
        token,
        cert_fingerprint: cert.fingerprint,
        timeout: 5,
        max_retries: 3,
        ...overrides,
      }),
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    remove: async () => {
      await stop();
      await temp.remove();
    },
  };
}
