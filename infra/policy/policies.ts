/**
 * The policies of the quantmind pack, in one list that index.ts serves and tests inspect
 * without starting the pack. Every policy is mandatory: a violation stops `pulumi preview` / `up`.
 */
import type { Policies } from "@pulumi/policy";
import { awsEncryption } from "./rules/aws-encryption.js";
import { backendsInPrivateSubnets } from "./rules/backends-in-private-subnets.js";
import { containerHardening } from "./rules/container-hardening.js";
import { logGroupsInStack } from "./rules/log-groups-in-stack.js";
import { logRetention } from "./rules/log-retention.js";
import { noPlaintextSecrets } from "./rules/no-plaintext-secrets.js";
import { noPublicBackends } from "./rules/no-public-backends.js";
import { s3BucketsRequireTls } from "./rules/s3-buckets-require-tls.js";

export const POLICY_PACK_NAME = "quantmind";

export const policies: Policies = [
  noPublicBackends,
  backendsInPrivateSubnets,
  awsEncryption,
  s3BucketsRequireTls,
  noPlaintextSecrets,
  logRetention,
  logGroupsInStack,
  containerHardening,
];
