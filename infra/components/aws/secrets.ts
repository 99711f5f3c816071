/**
 * Secrets Manager copies of the stack secrets the services need. The value comes from the
 * Pulumi secret and stays a secret output; tasks receive it through their container
 * definition's `secrets` (a reference, never the value), read by their execution role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsArgs {
  /** Prefix of the secrets' names, e.g. `qm-prod/` (Secrets Manager adds a random suffix). */
  namePrefix: string;
  /** Stack secret name -> its value (a secret output). */
  values: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Days a deleted secret can be restored; 0 deletes at once (and frees the name). Default 30,
   * so a mistaken destroy of a production stack is recoverable.
   */
  recoveryWindowInDays?: number;
}

export interface StoredSecret {
  arn: pulumi.Output<string>;
  /** The version holding the stack's current value: changes whenever the value does. */
  versionId: pulumi.Output<string>;
  /**
   * The ECS `valueFrom` pinned to that version (`<arn>:::<version-id>`, Fargate 1.4.0+). A new
   * value therefore changes the task definitions that use it, and ECS rolls those services onto
   * it at `pulumi up`; a reference to the current stage alone would leave running tasks on the
   * old value until something else restarted them.
   */
  valueFrom: pulumi.Output<string>;
}

export class Secrets extends pulumi.ComponentResource {
  readonly secrets: Readonly<Record<string, StoredSecret>>;

  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Secrets", name, {}, opts);
    const stored: Record<string, StoredSecret> = {};
    for (const [key, value] of Object.entries(args.values)) {
      stored[key] = storeSecret(`${name}-${key}`, { namePrefix: `${args.namePrefix}${key}-`, value, recoveryWindowInDays: args.recoveryWindowInDays ?? 30, description: `quantmind stack secret ${key}` }, this);
    }
    this.secrets = stored;
    this.registerOutputs({ arns: Object.fromEntries(Object.entries(stored).map(([key, s]) => [key, s.arn])) });
  }
}

/**
 * One secret and its current version, as children of `parent`. Encrypted with the AWS-managed
 * key (`aws/secretsmanager`): the access boundary is IAM on each secret's ARN, and no other
 * account reads these, which is what a customer-managed key's own policy would add.
 */
export function storeSecret(
  name: string,
  args: { namePrefix: string; value: pulumi.Input<string>; recoveryWindowInDays: number; description: string },
  parent: pulumi.Resource,
): StoredSecret {
  const secret = new aws.secretsmanager.Secret(
    name,
    { namePrefix: args.namePrefix, description: args.description, recoveryWindowInDays: args.recoveryWindowInDays },
    { parent },
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-value`,
    // pulumi.secret again: even a caller that passed a plain string gets a secret in state.
    { secretId: secret.id, secretString: pulumi.secret(args.value) },
    { parent },
  );
  return {
    arn: secret.arn,
    versionId: version.versionId,
    valueFrom: pulumi.interpolate`${secret.arn}:::${version.versionId}`,
  };
}
