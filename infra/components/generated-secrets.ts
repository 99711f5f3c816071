/**
 * The secrets the stack makes for itself when the operator sets none: backend passwords, MCP API
 * keys and the MT5 bridge's token with `@pulumi/random`, the bridge's certificate and key with
 * `@pulumi/tls`. Each value is a secret output from the start and reaches only the resources
 * it is given to.
 *
 * Rotation: a secret's counter (`quantmind:secretRotations`, bumped by `npm run rotate-secret`)
 * is the password's `keepers` and the private key's replacement trigger, so a new count makes a
 * new value, and only the services that receive it roll.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { GeneratedSecretSpec } from "../../stacks/secrets.js";

export interface GeneratedSecretsArgs {
  /** The secrets to make, by stack secret name. */
  secrets: Readonly<Record<string, GeneratedSecretSpec>>;
  /** Rotation counter per secret name; default 0. */
  rotations: Readonly<Record<string, number>>;
}

export class GeneratedSecrets extends pulumi.ComponentResource {
  /** Each secret's value, a secret output. */
  readonly values: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:secrets:GeneratedSecrets", name, {}, opts);
    for (const [key, spec] of Object.entries(args.secrets)) {
      const rotation = String(args.rotations[key] ?? 0);
      this.values[key] = spec.kind === "password" ? this.password(`${name}-${key}`, spec.length, rotation) : this.selfSignedTls(`${name}-${key}`, spec, rotation);
    }
    this.registerOutputs({});
  }

  private password(name: string, length: number, rotation: string): pulumi.Output<string> {
    // Letters and digits only: the values go into URLs, headers and files unquoted.
    const password = new random.RandomPassword(name, { length, special: false, keepers: { rotation } }, { parent: this });
    return pulumi.secret(password.result);
  }

  /** An ECDSA P-256 key and a certificate for it, as one PEM document: the key (PKCS#8), then the certificate. */
  private selfSignedTls(name: string, spec: Extract<GeneratedSecretSpec, { kind: "self-signed-tls" }>, rotation: string): pulumi.Output<string> {
    const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, replacementTrigger: rotation });
    const certificate = new tls.SelfSignedCert(
      `${name}-cert`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: spec.commonName },
        validityPeriodHours: spec.validityDays * 24,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      { parent: this },
    );
    return pulumi.secret(pulumi.all([key.privateKeyPemPkcs8, certificate.certPem]).apply(([keyPem, certPem]) => `${keyPem.trimEnd()}\n${certPem.trimEnd()}\n`));
  }
}
