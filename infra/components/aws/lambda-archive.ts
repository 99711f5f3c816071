/**
 * Turns a `lambda` runtime's declarations into what the McpLambda component takes: the archive
 * of the bundle its descriptor builds, and its secret references with their values.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LambdaBundler, LambdaSecret } from "../../descriptor.js";
import type { StackSecrets } from "../../../stacks/load.js";
import type { LambdaSecretRef } from "./mcp-lambda.js";

/**
 * The archive (`index.js`) of the bundle `bundle` builds, when the program runs: esbuild takes
 * about a second, and the archive then always matches the checked-out code.
 */
export function lambdaArchive(bundle: LambdaBundler): pulumi.Output<pulumi.asset.Archive> {
  return pulumi.output(
    bundle().then((file) => new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(file) }) as pulumi.asset.Archive),
  );
}

/** Each declared secret with its value: one stack secret, or a JSON object of several (still a secret output). */
export function lambdaSecretRefs(refs: Readonly<Record<string, LambdaSecret | undefined>>, secrets: StackSecrets): LambdaSecretRef[] {
  return Object.entries(refs).flatMap(([variable, ref]) => {
    if (!ref) return [];
    const value =
      typeof ref.value === "string"
        ? secrets[ref.value]
        : pulumi.secret(pulumi.jsonStringify(Object.fromEntries(Object.entries(ref.value).map(([field, key]) => [field, secrets[key]]))));
    return [{ variable, id: ref.id, namePrefix: ref.namePrefix, description: ref.description, value }];
  });
}
