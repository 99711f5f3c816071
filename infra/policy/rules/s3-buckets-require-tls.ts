/**
 * Every S3 bucket of the stack refuses unencrypted transport: a bucket policy attached to it
 * denies requests made without TLS (`aws:SecureTransport` false). Linking a bucket to its policy
 * is only visible across resources, hence a stack-level rule.
 *
 * Encryption at rest needs no stack-level check: S3 encrypts every object (SSE-S3) since January
 * 2023, and the content of any explicit encryption configuration is checked per resource by
 * aws-encryption-at-rest-and-in-transit.
 */
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { known } from "../lib/known.js";
import { label, ofType, propertyDependencies } from "../lib/stack.js";

interface Statement {
  Effect?: string;
  Condition?: Record<string, Record<string, unknown>>;
}

/** True when the policy document (JSON text or object) has a Deny statement for requests without TLS. */
export function deniesInsecureTransport(policy: unknown): boolean {
  let document: unknown = policy;
  if (typeof policy === "string") {
    try {
      document = JSON.parse(policy);
    } catch {
      return false;
    }
  }
  const statements = (document as { Statement?: Statement | Statement[] } | null)?.Statement;
  return [statements ?? []].flat().some((statement) => {
    if (statement.Effect !== "Deny") return false;
    const secure = Object.entries(statement.Condition ?? {}).find(([operator]) => /^Bool(IfExists)?$/i.test(operator))?.[1]?.["aws:SecureTransport"];
    return [secure].flat().some((value) => String(value).toLowerCase() === "false");
  });
}

/** The bucket policies whose `bucket` input is `bucket`: built from its outputs, or naming it. */
function policiesOf(resources: readonly PolicyResource[], bucket: PolicyResource): PolicyResource[] {
  const bucketName = known(() => bucket.props["bucket"]);
  return ofType(resources, aws.s3.BucketPolicy).filter(
    (policy) => propertyDependencies(policy, "bucket").includes(bucket) || (bucketName !== undefined && known(() => policy.props["bucket"]) === bucketName),
  );
}

export const s3BucketsRequireTls: StackValidationPolicy = {
  name: "s3-buckets-require-tls",
  description: "Every S3 bucket has a bucket policy that denies requests without TLS.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const bucket of [...ofType(args.resources, aws.s3.Bucket), ...ofType(args.resources, aws.s3.BucketV2)]) {
      if (!policiesOf(args.resources, bucket).some((policy) => deniesInsecureTransport(policy.props["policy"]))) {
        report(
          `${label(bucket)} accepts requests without TLS: add an aws.s3.BucketPolicy for it with a Deny statement on "Condition": { "Bool": { "aws:SecureTransport": "false" } }`,
          bucket.urn,
        );
      }
    }
  },
};
