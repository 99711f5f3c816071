/**
 * The MT5 bridge on the Windows host: copies `services/mt5-bridge` over SSH, then runs its
 * install script (a non-admin account, account-only secret files, a scheduled task that keeps
 * it running). The token, the TLS certificate and key and the MT5 password travel on stdin,
 * never on a command line. A change of the code or of either secret reinstalls and restarts it.
 * The certificate's fingerprint is an output: the Linux side pins it.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { bridgeCodeHash, bridgeInstallCommand, bridgeRemoveCommand, bridgeSecrets, MT5_BRIDGE_DIR } from "./mt5-bridge-files.js";

export interface Mt5BridgeArgs {
  /** SSH to the Windows host (an administrator; the host's shell is PowerShell). */
  connection: command.types.input.remote.ConnectionArgs;
  port: number;
  /** The request-signing token (stack secret `mt5BridgeToken`). */
  token: pulumi.Input<string>;
  /** The bridge's self-signed certificate and private key in one PEM document (stack secret `mt5BridgeTls`). */
  tls: pulumi.Input<string>;
  /** The MT5 account the bridge logs the terminal into; without it the terminal's saved login is used. */
  account?: { login: number; server: string; password: pulumi.Input<string> };
  /** The bridge's source folder; default `services/mt5-bridge`. */
  sourceDir?: string;
}

export class Mt5Bridge extends pulumi.ComponentResource {
  /** SHA-256 of the certificate (DER), `AA:BB:...`: what the mt5_socket broker pins. Not secret. */
  readonly fingerprint: pulumi.Output<string>;
  readonly codeHash: string;

  constructor(name: string, args: Mt5BridgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:vps:Mt5Bridge", name, {}, opts);
    const sourceDir = args.sourceDir ?? MT5_BRIDGE_DIR;
    this.codeHash = bridgeCodeHash(sourceDir);
    const stagingName = `qm-mt5-bridge-${this.codeHash.slice(0, 16)}`;
    const secrets = pulumi
      .all([args.token, args.tls, args.account?.password])
      .apply(([token, tls, mt5Password]) => bridgeSecrets(token, tls, mt5Password));

    // Relative to the SSH user's home: how SFTP paths on Windows OpenSSH are least ambiguous.
    const code = new command.remote.CopyToRemote(
      `${name}-code`,
      { connection: args.connection, source: new pulumi.asset.FileArchive(sourceDir), remotePath: stagingName, triggers: [this.codeHash] },
      { parent: this },
    );
    new command.remote.Command(
      `${name}-install`,
      {
        connection: args.connection,
        create: bridgeInstallCommand({
          stagingName,
          port: args.port,
          ...(args.account && { account: { login: args.account.login, server: args.account.server } }),
        }),
        delete: bridgeRemoveCommand(),
        stdin: pulumi.secret(secrets.stdin),
        triggers: [this.codeHash, pulumi.secret(secrets.digest)],
      },
      { parent: this, dependsOn: [code] },
    );
    this.fingerprint = pulumi.unsecret(secrets.fingerprint);
    this.registerOutputs({ fingerprint: this.fingerprint });
  }
}
