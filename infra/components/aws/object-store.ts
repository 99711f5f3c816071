/**
 * What a task with `objectStore: true` may do in the stack's bucket: list it, and read, write and
 * delete objects under its prefix only.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ObjectStoreGrant {
  bucketArn: pulumi.Input<string>;
  /** Key prefix, e.g. `quantmind/`. */
  prefix: string;
}

export function objectStoreStatements(grant: ObjectStoreGrant): pulumi.Input<Record<string, unknown>>[] {
  return [
    { Effect: "Allow", Action: "s3:ListBucket", Resource: grant.bucketArn },
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: pulumi.interpolate`${grant.bucketArn}/${grant.prefix}*` },
  ];
}
