/**
 * What the MT5 bridge deployment sends to the Windows host, as pure functions: the hash of the
 * bridge's code (a change reinstalls it), the secrets document the install script reads on
 * stdin, the certificate fingerprint clients pin, and the PowerShell that runs the install.
 */
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../../../services/shared/package-root.js";
import { BridgeSecretError } from "../../errors.js";

/** The bridge's source folder, copied to the host as it is. */
export const MT5_BRIDGE_DIR = path.join(PACKAGE_ROOT, "services", "mt5-bridge");
/** The bridge refuses shorter tokens; fail at deploy time rather than on the host. */
export const MIN_TOKEN_BYTES = 32;
/** The scheduled task the install script registers (also what `delete` removes). */
export const BRIDGE_TASK_NAME = "QuantMind MT5 bridge";

/** Files under `dir` that are part of the bridge (no bytecode caches), sorted, relative with `/`. */
export function bridgeFiles(dir: string = MT5_BRIDGE_DIR): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name === "__pycache__" || entry.name.endsWith(".pyc")) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  walk("");
  return files.sort();
}

/** SHA-256 over every file's path and content: changes when any of the bridge's code does. */
export function bridgeCodeHash(dir: string = MT5_BRIDGE_DIR): string {
  const hash = createHash("sha256");
  for (const file of bridgeFiles(dir)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(dir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

export interface BridgeSecrets {
  /** JSON for the install script's stdin: {token, cert_pem, key_pem, mt5_password?}. */
  stdin: string;
  /** SHA-256 of that document: a change of token or certificate reinstalls the bridge. */
  digest: string;
  /** SHA-256 of the certificate's DER form, colon-separated upper-case hex (what clients pin). */
  fingerprint: string;
}

/**
 * Checks the stack's bridge secrets and builds what the host receives. `tls` is one PEM document
 * holding the self-signed certificate and its private key (as `openssl req -x509 ... -keyout
 * /dev/stdout -out /dev/stdout` prints them); the key must belong to the certificate.
 */
export function bridgeSecrets(token: string, tls: string, mt5Password?: string): BridgeSecrets {
  if (Buffer.byteLength(token, "utf8") < MIN_TOKEN_BYTES || token.trim() !== token) {
    throw new BridgeSecretError(`quantmind:mt5BridgeToken must be at least ${MIN_TOKEN_BYTES} bytes without surrounding whitespace (openssl rand -hex 32)`);
  }
  const blocks = [...tls.matchAll(PEM_BLOCK)];
  const certPem = blocks.find((block) => block[1] === "CERTIFICATE")?.[0];
  const keyPem = blocks.find((block) => /PRIVATE KEY$/.test(block[1] ?? ""))?.[0];
  if (!certPem || !keyPem) {
    throw new BridgeSecretError("quantmind:mt5BridgeTls must hold a PEM CERTIFICATE and its PRIVATE KEY in one document");
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) throw new Error("the private key does not belong to the certificate");
  } catch (error) {
    throw new BridgeSecretError(`quantmind:mt5BridgeTls is unusable: ${(error as Error).message}`);
  }
  if (mt5Password !== undefined && mt5Password.length === 0) throw new BridgeSecretError("quantmind:mt5Password is empty");
  const stdin = JSON.stringify({ token, cert_pem: `${certPem}\n`, key_pem: `${keyPem}\n`, ...(mt5Password !== undefined && { mt5_password: mt5Password }) });
  return { stdin, digest: createHash("sha256").update(stdin).digest("hex"), fingerprint: certificate.fingerprint256 };
}

export interface InstallOptions {
  /** The folder name the code was copied to, in the SSH user's home. */
  stagingName: string;
  port: number;
  /** The MT5 account the bridge logs in (its password travels on stdin). */
  account?: { login: number; server: string };
}

const MT5_SERVER = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/;

/**
 * The install command, in PowerShell (the SSH server's shell on the Windows host). The script
 * runs in that same PowerShell so it reads the secrets from the session's stdin. A copy into an
 * existing folder lands one level down, so both places are looked at.
 */
export function bridgeInstallCommand(options: InstallOptions): string {
  if (!/^[A-Za-z0-9._-]+$/.test(options.stagingName)) throw new BridgeSecretError(`bad staging folder name ${options.stagingName}`);
  const { account } = options;
  if (account && (!Number.isSafeInteger(account.login) || account.login <= 0 || !MT5_SERVER.test(account.server))) {
    throw new BridgeSecretError(`bad MT5 account ${account.login} on ${JSON.stringify(account.server)}`);
  }
  const login = account ? ` -Mt5Login ${account.login} -Mt5Server '${account.server}'` : "";
  return [
    `$d = Join-Path $HOME '${options.stagingName}'`,
    `if (-not (Test-Path (Join-Path $d 'bridge.py'))) { $d = Join-Path $d 'mt5-bridge' }`,
    `& (Join-Path $d 'install\\install-bridge.ps1') -SourceDir $d -Port ${options.port}${login}`,
    `Get-ChildItem -Path $HOME -Directory -Filter 'qm-mt5-bridge-*' | Where-Object { $_.Name -ne '${options.stagingName}' } | Remove-Item -Recurse -Force`,
  ].join("; ");
}

/** Stops and removes the bridge's task when the stack no longer has it. */
export function bridgeRemoveCommand(): string {
  return `Unregister-ScheduledTask -TaskName '${BRIDGE_TASK_NAME}' -Confirm:$false -ErrorAction SilentlyContinue`;
}
