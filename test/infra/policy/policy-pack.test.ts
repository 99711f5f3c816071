/**
 * The policy pack: its list of rules (pack.ts), and each rule both violated and satisfied, called
 * the way the policy server calls them (harness.ts). One spec module per rule under rules/; they
 * run in this one file because loading @pulumi/pulumi and the providers costs seconds per test
 * process, and the checks themselves take milliseconds.
 */
import "./pack.js";
import "./rules/no-public-backends.js";
import "./rules/backends-in-private-subnets.js";
import "./rules/aws-encryption.js";
import "./rules/s3-buckets-require-tls.js";
import "./rules/no-plaintext-secrets.js";
import "./rules/log-retention.js";
import "./rules/container-hardening.js";
