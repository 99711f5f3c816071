/**
 * The Docker CLI reaches a remote engine through the system `ssh`, which reads keys from files
 * only. This writes the stack's key secret to a 0600 file under ~/.quantmind/ssh (the operator
 * holds the same key already) and returns the ssh options that use it, with dial limits.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** Default directory of the key and known-hosts files. */
export function defaultSshKeyDir(): string {
  return path.join(homedir(), ".quantmind", "ssh");
}

/** ssh options for the Docker provider: key file, pinned known-hosts file, bounded dialling. */
export function dockerSshOptions(stack: string, privateKey: pulumi.Input<string>, dir = defaultSshKeyDir()): pulumi.Output<string[]> {
  const keyFile = path.join(dir, `${stack}.key`);
  return pulumi.output(privateKey).apply((key) => {
    // A file, not a resource: the provider needs it during preview too, before any resource runs.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });
    return [
      "-i", keyFile,
      "-o", "IdentitiesOnly=yes",
      "-o", "BatchMode=yes",
      "-o", "StrictHostKeyChecking=accept-new",
      "-o", `UserKnownHostsFile=${path.join(dir, `${stack}.known_hosts`)}`,
      "-o", "ConnectTimeout=10",
      "-o", "ConnectionAttempts=3",
      "-o", "ServerAliveInterval=15",
    ];
  });
}
