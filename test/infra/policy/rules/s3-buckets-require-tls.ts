/** s3-buckets-require-tls: every bucket has a policy denying requests without TLS. */
import { describe, expect, it } from "vitest";
import { deniesInsecureTransport, s3BucketsRequireTls } from "../../../../infra/policy/rules/s3-buckets-require-tls.js";
import { validateStack, type StackResource } from "../harness.js";

const bucket: StackResource = { type: "aws:s3/bucket:Bucket", name: "backups", props: { bucket: "qm-prod-backups-1a2b", arn: "arn:aws:s3:::qm-prod-backups-1a2b" } };

const tlsOnly = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::qm-prod-backups-1a2b", "arn:aws:s3:::qm-prod-backups-1a2b/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};

const policy = (document: unknown, link: "dependency" | "name"): StackResource => ({
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name: "backups-policy",
  props: { bucket: "qm-prod-backups-1a2b", policy: JSON.stringify(document) },
  ...(link === "dependency" ? { dependsOn: { bucket: ["backups"] } } : {}),
});

describe("s3-buckets-require-tls", () => {
  it("passes a bucket whose policy denies insecure transport, linked by dependency or by name", async () => {
    expect(await validateStack(s3BucketsRequireTls, [bucket, policy(tlsOnly, "dependency")])).toEqual([]);
    expect(await validateStack(s3BucketsRequireTls, [bucket, policy(tlsOnly, "name")])).toEqual([]);
  });

  it("refuses a bucket without a policy, or whose policy allows plain HTTP", async () => {
    const expected = [
      {
        resource: "backups",
        message: 'Bucket "backups" accepts requests without TLS: add an aws.s3.BucketPolicy for it with a Deny statement on "Condition": { "Bool": { "aws:SecureTransport": "false" } }',
      },
    ];
    expect(await validateStack(s3BucketsRequireTls, [bucket])).toEqual(expected);
    const allowOnly = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/backup" }, Action: "s3:PutObject", Resource: "*" }] };
    expect(await validateStack(s3BucketsRequireTls, [bucket, policy(allowOnly, "dependency")])).toEqual(expected);
  });

  it("reads the condition in the forms IAM accepts", () => {
    expect(deniesInsecureTransport({ Statement: { Effect: "Deny", Condition: { BoolIfExists: { "aws:SecureTransport": false } } } })).toBe(true);
    expect(deniesInsecureTransport({ Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": ["false"] } } }] })).toBe(true);
    expect(deniesInsecureTransport({ Statement: [{ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "true" } } }] })).toBe(false);
    expect(deniesInsecureTransport("not json")).toBe(false);
  });
});
